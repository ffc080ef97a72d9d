// The page: Cognito sign-up/sign-in, the caller's items, subscribe, image upload with
// thumbnail polling. No framework and no build step; everything rendered from data goes
// through textContent or DOM properties, never innerHTML, and there is no inline script
// or style, so the site's Content-Security-Policy can stay 'self'-only.

import { CognitoClient } from "./cognito.js";

const SESSION_KEY = "web-app.session";
// Refresh this long before the ID token expires, so a request never leaves with a token
// that expires in flight.
const REFRESH_MARGIN_MS = 60_000;
const THUMBNAIL_POLL_INTERVAL_MS = 1_000;
const THUMBNAIL_POLL_TIMEOUT_MS = 90_000;

const $ = (id) => {
  const element = document.getElementById(id);
  if (!element) throw new Error(`the page has no #${id}`);
  return element;
};

let config;
let cognito;
// Tokens live in memory and in sessionStorage (this tab only, gone when it closes),
// never in localStorage, which every tab and every later visit could read.
let session = null;

// ---- messages -------------------------------------------------------------------------

function showStatus(message) {
  $("status").textContent = message;
  $("error").textContent = "";
}

function showError(error) {
  $("error").textContent = error instanceof Error ? error.message : String(error);
}

// Runs an action from a control, showing its failure and keeping the control disabled
// while it runs so a double click cannot send it twice.
async function guarded(control, action) {
  control.disabled = true;
  $("error").textContent = "";
  try {
    await action();
  } catch (error) {
    showError(error);
  } finally {
    control.disabled = false;
  }
}

// ---- session ---------------------------------------------------------------------------

function jwtClaims(token) {
  const payload = token.split(".")[1] || "";
  const base64 = payload.replace(/-/g, "+").replace(/_/g, "/");
  const binary = atob(base64.padEnd(base64.length + ((4 - (base64.length % 4)) % 4), "="));
  const json = new TextDecoder().decode(Uint8Array.from(binary, (c) => c.charCodeAt(0)));
  return JSON.parse(json);
}

function storeSession(result, refreshToken) {
  const claims = jwtClaims(result.IdToken);
  session = {
    idToken: result.IdToken,
    refreshToken,
    expiresAt: claims.exp * 1000,
    email: claims.email || "",
  };
  sessionStorage.setItem(SESSION_KEY, JSON.stringify(session));
}

function loadSession() {
  try {
    const stored = JSON.parse(sessionStorage.getItem(SESSION_KEY) || "null");
    return stored && stored.idToken && stored.refreshToken ? stored : null;
  } catch {
    return null;
  }
}

function clearSession() {
  session = null;
  sessionStorage.removeItem(SESSION_KEY);
}

async function refreshSession() {
  const result = await cognito.refresh(session.refreshToken);
  storeSession(result, session.refreshToken);
}

async function idToken() {
  if (!session) throw new Error("You are signed out.");
  if (Date.now() > session.expiresAt - REFRESH_MARGIN_MS) {
    try {
      await refreshSession();
    } catch (error) {
      signedOut();
      throw new Error(`Your session has ended, please sign in again (${error.message}).`);
    }
  }
  return session.idToken;
}

// ---- API -------------------------------------------------------------------------------

async function api(path, { method = "GET", body } = {}) {
  const request = async () => {
    const headers = { Authorization: await idToken() };
    if (body !== undefined) headers["Content-Type"] = "application/json";
    return fetch(config.apiUrl.replace(/\/$/, "") + path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  };
  let response = await request();
  if (response.status === 401 && session) {
    // The token may have been revoked or expired early: one refresh, one retry.
    await refreshSession();
    response = await request();
  }
  if (response.status === 204) return null;
  const payload = await response.json().catch(() => ({}));
  if (!response.ok) {
    const details = Array.isArray(payload.errors) && payload.errors.length
      ? `: ${payload.errors.map((e) => (typeof e === "string" ? e : e.msg || e.message || JSON.stringify(e))).join("; ")}`
      : "";
    throw new Error(`${payload.message || `Request failed (${response.status})`}${details}`);
  }
  return payload;
}

// ---- items -----------------------------------------------------------------------------

function renderItem(item) {
  const row = document.createElement("li");
  row.dataset.itemId = item.item_id;
  row.classList.toggle("done", Boolean(item.done));

  const checkbox = document.createElement("input");
  checkbox.type = "checkbox";
  checkbox.className = "toggle-done";
  checkbox.checked = Boolean(item.done);
  checkbox.setAttribute("aria-label", `Done: ${item.title}`);
  checkbox.addEventListener("change", () =>
    guarded(checkbox, async () => {
      try {
        const updated = await api(`/items/${encodeURIComponent(item.item_id)}`, {
          method: "PATCH",
          body: { done: checkbox.checked },
        });
        row.replaceWith(renderItem(updated));
      } catch (error) {
        // The item did not change: show the state the server still has.
        checkbox.checked = Boolean(item.done);
        throw error;
      }
    }),
  );

  const title = document.createElement("span");
  title.className = "title";
  title.textContent = item.title;

  const remove = document.createElement("button");
  remove.type = "button";
  remove.className = "delete-item";
  remove.textContent = "Delete";
  remove.setAttribute("aria-label", `Delete ${item.title}`);
  remove.addEventListener("click", () =>
    guarded(remove, async () => {
      await api(`/items/${encodeURIComponent(item.item_id)}`, { method: "DELETE" });
      row.remove();
      showStatus("Item deleted.");
    }),
  );

  row.append(checkbox, title, remove);
  return row;
}

async function loadItems() {
  const { items } = await api("/items");
  $("items").replaceChildren(...items.map(renderItem));
}

async function addItem() {
  const input = $("new-item-title");
  const title = input.value.trim();
  if (!title) throw new Error("Enter a title for the item.");
  const item = await api("/items", { method: "POST", body: { title } });
  $("items").prepend(renderItem(item));
  input.value = "";
  showStatus("Item added.");
}

// ---- subscribe -------------------------------------------------------------------------

async function subscribe() {
  const result = await api("/subscriptions", { method: "POST", body: {} });
  $("subscribe-status").textContent = `Subscribed as ${result.email} since ${result.subscribed_at}.`;
}

// ---- upload ----------------------------------------------------------------------------

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function upload() {
  const file = $("upload-input").files[0];
  if (!file) throw new Error("Choose an image first.");
  const target = await api("/uploads", { method: "POST", body: { content_type: file.type } });

  // S3 reads the policy fields before the file: every field goes in first, the file last.
  const form = new FormData();
  for (const [name, value] of Object.entries(target.fields)) form.append(name, value);
  form.append("file", file);
  showStatus("Uploading…");
  const response = await fetch(target.url, { method: "POST", body: form });
  if (!response.ok) {
    throw new Error(`The upload was refused (${response.status}); images up to the size limit only.`);
  }

  showStatus("Uploaded; waiting for the thumbnail…");
  const deadline = Date.now() + THUMBNAIL_POLL_TIMEOUT_MS;
  while (Date.now() < deadline) {
    const { thumbnails } = await api(`/uploads/${encodeURIComponent(target.upload_id)}/thumbnails`);
    const sizes = Object.keys(thumbnails).sort((a, b) => Number(a) - Number(b));
    if (sizes.length) {
      const image = $("thumbnail");
      image.src = thumbnails[sizes[0]];
      image.alt = `Thumbnail of ${file.name}`;
      image.hidden = false;
      showStatus("Thumbnail ready.");
      return;
    }
    await sleep(THUMBNAIL_POLL_INTERVAL_MS);
  }
  throw new Error("No thumbnail yet; the image may not be one the thumbnailer accepts.");
}

// ---- sign-in state ---------------------------------------------------------------------

async function signedIn() {
  $("auth-section").hidden = true;
  $("app-section").hidden = false;
  $("signout-button").hidden = false;
  $("signed-in-as").hidden = false;
  $("signed-in-as").textContent = session.email ? `Signed in as ${session.email}` : "Signed in";
  await loadItems();
}

function signedOut() {
  clearSession();
  $("auth-section").hidden = false;
  $("app-section").hidden = true;
  $("signout-button").hidden = true;
  $("signed-in-as").hidden = true;
  $("items").replaceChildren();
  $("thumbnail").hidden = true;
  $("thumbnail").removeAttribute("src");
  $("subscribe-status").textContent = "";
}

async function signUp() {
  const email = $("signup-email").value.trim();
  const password = $("signup-password").value;
  if (!email || !password) throw new Error("Enter an email and a password.");
  const { userConfirmed } = await cognito.signUp(email, password);
  $("signup-password").value = "";
  showStatus(
    userConfirmed
      ? "Account created. You can sign in now."
      : "Account created. It must be confirmed before you can sign in: follow the email " +
          "Cognito sends (on the local stack an administrator or the test confirms it).",
  );
  $("signin-email").value = email;
}

async function signIn() {
  const email = $("signin-email").value.trim();
  const password = $("signin-password").value;
  if (!email || !password) throw new Error("Enter your email and password.");
  const result = await cognito.signIn(email, password);
  $("signin-password").value = "";
  storeSession(result, result.RefreshToken);
  showStatus("Signed in.");
  await signedIn();
}

// ---- wiring ----------------------------------------------------------------------------

function onSubmit(formId, buttonId, action) {
  $(formId).addEventListener("submit", (event) => {
    event.preventDefault();
    guarded($(buttonId), action);
  });
}

async function start() {
  const response = await fetch("config.json", { cache: "no-store" });
  if (!response.ok) throw new Error(`config.json could not be loaded (${response.status}).`);
  config = await response.json();
  for (const key of ["apiUrl", "region", "userPoolId", "userPoolClientId"]) {
    if (!config[key]) throw new Error(`config.json has no ${key}.`);
  }
  cognito = new CognitoClient(config);

  onSubmit("signup-form", "signup-button", signUp);
  onSubmit("signin-form", "signin-button", signIn);
  onSubmit("new-item-form", "add-item-button", addItem);
  onSubmit("upload-form", "upload-button", upload);
  $("subscribe-button").addEventListener("click", () => guarded($("subscribe-button"), subscribe));
  $("signout-button").addEventListener("click", () => {
    signedOut();
    showStatus("Signed out.");
  });
  // The sign-in and sign-up buttons start disabled: clicked before these handlers exist,
  // they would submit their form natively and reload the page, losing what was typed.
  $("signin-button").disabled = false;
  $("signup-button").disabled = false;

  session = loadSession();
  if (session) await signedIn();
}

start().catch(showError);
