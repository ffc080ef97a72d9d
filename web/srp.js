// Cognito's Secure Remote Password (SRP-6a) client for USER_SRP_AUTH, in plain browser
// JavaScript: BigInt for the group arithmetic, WebCrypto for SHA-256 and HMAC.
//
// The password never leaves the browser: InitiateAuth sends SRP_A, Cognito answers with
// SALT, SRP_B and a SECRET_BLOCK, and RespondToAuthChallenge proves knowledge of the
// password with an HMAC signature over that block. The byte-level conventions (hex
// padding, what is hashed, the HKDF info string, the timestamp format) are Cognito's,
// as its own SDKs implement them; tests/unit/web/test_srp_js.py checks this module
// against pycognito for fixed inputs.

// RFC 5054 3072-bit group, the one Cognito uses.
export const N_HEX =
  "FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD1" +
  "29024E088A67CC74020BBEA63B139B22514A08798E3404DD" +
  "EF9519B3CD3A431B302B0A6DF25F14374FE1356D6D51C245" +
  "E485B576625E7EC6F44C42E9A637ED6B0BFF5CB6F406B7ED" +
  "EE386BFB5A899FA5AE9F24117C4B1FE649286651ECE45B3D" +
  "C2007CB8A163BF0598DA48361C55D39A69163FA8FD24CF5F" +
  "83655D23DCA3AD961C62F356208552BB9ED529077096966D" +
  "670C354E4ABC9804F1746C08CA18217C32905E462E36CE3B" +
  "E39E772C180E86039B2783A2EC07A28FB5C55DF06F4C52C9" +
  "DE2BCBF6955817183995497CEA956AE515D2261898FA0510" +
  "15728E5A8AAAC42DAD33170D04507A33A85521ABDF1CBA64" +
  "ECFB850458DBEF0A8AEA71575D060C7DB3970F85A6E1E4C7" +
  "ABF5AE8CDB0933D71E8C94E04A25619DCEE3D2261AD2EE6B" +
  "F12FFA06D98A0864D87602733EC86A64521F2B18177B200C" +
  "BBE117577A615D6C770988C0BAD946E208E24FA074E5AB31" +
  "43DB5BFCE0FD108E4B82D120A93AD2CAFFFFFFFFFFFFFFFF";
const N = BigInt("0x" + N_HEX);
const G = 2n;
const HKDF_INFO = "Caldera Derived Key";
const SMALL_A_BYTES = 128;
const WEEKDAYS = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

const encoder = new TextEncoder();

function mod(value, modulus) {
  const remainder = value % modulus;
  return remainder < 0n ? remainder + modulus : remainder;
}

function modPow(base, exponent, modulus) {
  let result = 1n;
  let square = mod(base, modulus);
  let remaining = exponent;
  while (remaining > 0n) {
    if (remaining & 1n) result = (result * square) % modulus;
    square = (square * square) % modulus;
    remaining >>= 1n;
  }
  return result;
}

// Cognito hashes numbers as their two's-complement big-endian bytes: an even number of
// hex digits, with a 00 byte in front when the top bit is set (it would read as negative).
export function padHex(value) {
  let hex = typeof value === "bigint" ? value.toString(16) : value;
  if (hex.length % 2 === 1) hex = "0" + hex;
  else if ("89abcdefABCDEF".includes(hex[0])) hex = "00" + hex;
  return hex;
}

function hexToBytes(hex) {
  if (hex.length % 2 !== 0 || /[^0-9a-fA-F]/.test(hex)) throw new Error("not a hex byte string");
  const bytes = new Uint8Array(hex.length / 2);
  for (let index = 0; index < bytes.length; index += 1) {
    bytes[index] = parseInt(hex.slice(index * 2, index * 2 + 2), 16);
  }
  return bytes;
}

function bytesToHex(bytes) {
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, "0")).join("");
}

function concatBytes(...parts) {
  const joined = new Uint8Array(parts.reduce((total, part) => total + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    joined.set(part, offset);
    offset += part.length;
  }
  return joined;
}

async function sha256(bytes) {
  return new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
}

async function sha256Hex(bytes) {
  return bytesToHex(await sha256(bytes));
}

async function hmacSha256(keyBytes, messageBytes) {
  const key = await crypto.subtle.importKey(
    "raw",
    keyBytes,
    { name: "HMAC", hash: "SHA-256" },
    false,
    ["sign"],
  );
  return new Uint8Array(await crypto.subtle.sign("HMAC", key, messageBytes));
}

function base64ToBytes(text) {
  // Lenient like the reference clients (Python's non-validating b64decode): characters
  // outside the alphabet are dropped. The local emulator sends a UUID as SECRET_BLOCK.
  const binary = atob(text.replace(/[^A-Za-z0-9+/=]/g, ""));
  return Uint8Array.from(binary, (character) => character.charCodeAt(0));
}

function bytesToBase64(bytes) {
  return btoa(String.fromCharCode(...bytes));
}

// "Tue Mar 7 09:15:00 UTC 2024": day of month without a leading zero, as Cognito expects.
export function cognitoTimestamp(date) {
  const two = (number) => String(number).padStart(2, "0");
  return (
    `${WEEKDAYS[date.getUTCDay()]} ${MONTHS[date.getUTCMonth()]} ${date.getUTCDate()} ` +
    `${two(date.getUTCHours())}:${two(date.getUTCMinutes())}:${two(date.getUTCSeconds())} ` +
    `UTC ${date.getUTCFullYear()}`
  );
}

export function randomSmallA() {
  const bytes = crypto.getRandomValues(new Uint8Array(SMALL_A_BYTES));
  return mod(BigInt("0x" + bytesToHex(bytes)), N);
}

// The client's ephemeral key pair: `a` stays in memory, SRP_A goes to InitiateAuth.
export function srpKeyPair(smallA = randomSmallA()) {
  const largeA = modPow(G, smallA, N);
  if (largeA === 0n) throw new Error("SRP safety check failed: A is 0 mod N");
  return { smallA, largeA, srpA: largeA.toString(16) };
}

async function passwordAuthenticationKey({ poolName, userIdForSrp, password, smallA, largeA, saltHex, srpB }) {
  if (mod(srpB, N) === 0n) throw new Error("SRP safety check failed: B is 0 mod N");
  const k = BigInt("0x" + (await sha256Hex(hexToBytes(padHex(N) + padHex(G)))));
  const u = BigInt("0x" + (await sha256Hex(hexToBytes(padHex(largeA) + padHex(srpB)))));
  if (u === 0n) throw new Error("SRP safety check failed: u is 0");
  const identityHash = await sha256Hex(encoder.encode(`${poolName}${userIdForSrp}:${password}`));
  const x = BigInt("0x" + (await sha256Hex(hexToBytes(padHex(saltHex) + identityHash))));
  const s = modPow(srpB - k * modPow(G, x, N), smallA + u * x, N);
  // HKDF-SHA256 with S as input key material and u as salt; one block, 16 bytes kept.
  const prk = await hmacSha256(hexToBytes(padHex(u)), hexToBytes(padHex(s)));
  const okm = await hmacSha256(prk, concatBytes(encoder.encode(HKDF_INFO), Uint8Array.of(1)));
  return okm.slice(0, 16);
}

/**
 * ChallengeResponses for the PASSWORD_VERIFIER challenge of USER_SRP_AUTH.
 *
 * @param {object} challengeParameters Cognito's ChallengeParameters (SALT, SRP_B, SECRET_BLOCK, USER_ID_FOR_SRP, USERNAME)
 * @param {{userPoolId: string, username: string, password: string, keyPair: object, now?: Date}} options
 */
export async function passwordVerifierResponses(challengeParameters, { userPoolId, username, password, keyPair, now = new Date() }) {
  const poolName = userPoolId.split("_")[1];
  if (!poolName) throw new Error(`not a user pool id: ${userPoolId}`);
  const userIdForSrp = challengeParameters.USER_ID_FOR_SRP;
  const secretBlock = challengeParameters.SECRET_BLOCK;
  const timestamp = cognitoTimestamp(now);
  const key = await passwordAuthenticationKey({
    poolName,
    userIdForSrp,
    password,
    smallA: keyPair.smallA,
    largeA: keyPair.largeA,
    saltHex: challengeParameters.SALT,
    srpB: BigInt("0x" + challengeParameters.SRP_B),
  });
  const message = concatBytes(
    encoder.encode(poolName),
    encoder.encode(userIdForSrp),
    base64ToBytes(secretBlock),
    encoder.encode(timestamp),
  );
  return {
    USERNAME: challengeParameters.USERNAME ?? username,
    TIMESTAMP: timestamp,
    PASSWORD_CLAIM_SECRET_BLOCK: secretBlock,
    PASSWORD_CLAIM_SIGNATURE: bytesToBase64(await hmacSha256(key, message)),
  };
}
