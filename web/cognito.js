// The Cognito user-pool calls the page needs, over Cognito's public JSON API with fetch:
// no SDK, so the page stays a few static files. These calls are unauthenticated by
// design (no AWS credentials); the app client has no secret and allows only SRP and
// refresh-token sign-in.

import { passwordVerifierResponses, srpKeyPair } from "./srp.js";

export class CognitoError extends Error {
  constructor(type, message) {
    super(message || type);
    this.name = "CognitoError";
    this.type = type;
  }
}

export function defaultEndpoint(region) {
  return `https://cognito-idp.${region}.amazonaws.com/`;
}

export class CognitoClient {
  /** @param {{region: string, userPoolId: string, userPoolClientId: string, cognitoEndpoint?: string}} config */
  constructor(config, fetchFn = globalThis.fetch.bind(globalThis)) {
    this.endpoint = config.cognitoEndpoint || defaultEndpoint(config.region);
    this.userPoolId = config.userPoolId;
    this.clientId = config.userPoolClientId;
    this.fetch = fetchFn;
  }

  async call(operation, body) {
    const response = await this.fetch(this.endpoint, {
      method: "POST",
      headers: {
        "Content-Type": "application/x-amz-json-1.1",
        "X-Amz-Target": `AWSCognitoIdentityProviderService.${operation}`,
      },
      body: JSON.stringify(body),
    });
    const text = await response.text();
    let payload = {};
    try {
      payload = text ? JSON.parse(text) : {};
    } catch {
      throw new CognitoError("InvalidResponse", `${operation}: Cognito answered ${response.status} with a non-JSON body`);
    }
    if (!response.ok) {
      // "__type" is "NotAuthorizedException" or "prefix#NotAuthorizedException".
      const type = String(payload.__type || `HTTP${response.status}`).split("#").pop();
      throw new CognitoError(type, payload.message || payload.Message || `${operation} failed (${response.status})`);
    }
    return payload;
  }

  /** Returns {userConfirmed, userSub}. */
  async signUp(email, password) {
    const result = await this.call("SignUp", {
      ClientId: this.clientId,
      Username: email,
      Password: password,
      UserAttributes: [{ Name: "email", Value: email }],
    });
    return { userConfirmed: Boolean(result.UserConfirmed), userSub: result.UserSub };
  }

  /** USER_SRP_AUTH then PASSWORD_VERIFIER; returns the AuthenticationResult (tokens). */
  async signIn(username, password) {
    const keyPair = srpKeyPair();
    const started = await this.call("InitiateAuth", {
      AuthFlow: "USER_SRP_AUTH",
      ClientId: this.clientId,
      AuthParameters: { USERNAME: username, SRP_A: keyPair.srpA },
    });
    if (started.ChallengeName !== "PASSWORD_VERIFIER") {
      throw new CognitoError("UnsupportedChallenge", `Sign-in needs a step this page does not support: ${started.ChallengeName}`);
    }
    const responses = await passwordVerifierResponses(started.ChallengeParameters, {
      userPoolId: this.userPoolId,
      username,
      password,
      keyPair,
    });
    const request = { ChallengeName: "PASSWORD_VERIFIER", ClientId: this.clientId, ChallengeResponses: responses };
    if (started.Session) request.Session = started.Session;
    const answered = await this.call("RespondToAuthChallenge", request);
    if (!answered.AuthenticationResult) {
      throw new CognitoError("UnsupportedChallenge", `Sign-in needs a step this page does not support: ${answered.ChallengeName}`);
    }
    return answered.AuthenticationResult;
  }

  /** New ID and access tokens; Cognito keeps the refresh token (it is not returned again). */
  async refresh(refreshToken) {
    const result = await this.call("InitiateAuth", {
      AuthFlow: "REFRESH_TOKEN_AUTH",
      ClientId: this.clientId,
      AuthParameters: { REFRESH_TOKEN: refreshToken },
    });
    return result.AuthenticationResult;
  }
}
