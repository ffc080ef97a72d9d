// The local console: polls the runtime's status and logs, and shows what the emulator
// holds on demand. No framework and no build step; everything from data is set through
// textContent, never innerHTML, and there is no inline script or style (the page's
// Content-Security-Policy allows 'self' only).

const REFRESH_MS = 2_000;

const $ = (id) => {
  const element = document.getElementById(id);
  if (!element) throw new Error(`the page has no #${id}`);
  return element;
};

function element(tag, text, className) {
  const node = document.createElement(tag);
  if (text !== undefined && text !== null) node.textContent = String(text);
  if (className) node.className = className;
  return node;
}

async function getJson(path, params = {}) {
  const query = new URLSearchParams(params).toString();
  const response = await fetch(`api/${path}${query ? `?${query}` : ""}`);
  const body = await response.json();
  if (!response.ok) throw new Error(body.message || `${path}: HTTP ${response.status}`);
  return body;
}

function fillTable(id, rows) {
  const body = $(id).querySelector("tbody");
  body.replaceChildren(
    ...rows.map((cells) => {
      const row = element("tr");
      for (const cell of cells) {
        row.append(element("td", cell, typeof cell === "number" ? "number" : undefined));
      }
      return row;
    }),
  );
  if (!rows.length) {
    const row = element("tr");
    const cell = element("td", "(none)", "muted");
    cell.colSpan = $(id).querySelectorAll("th").length;
    row.append(cell);
    body.append(row);
  }
}

const nameOf = (arn) => arn.split(":").pop();

function sourceOf(arn) {
  const [kind, name] = arn.split(":").slice(5).join(":").split("/");
  return kind === "table" ? `${name} stream` : name;
}

function renderStatus(status) {
  const problems = status.problems;
  $("overall").textContent = problems.length ? `FAILING (${problems.length})` : "OK";
  $("overall").className = problems.length ? "failing" : "ok";
  $("updated").textContent = `updated ${new Date(status.updated_at * 1000).toLocaleTimeString()}`;
  $("problems").replaceChildren(...problems.map((text) => element("li", text)));

  fillTable(
    "functions",
    Object.entries(status.functions).map(([name, f]) => [
      name,
      f.invocations,
      f.errors,
      f.cold_starts,
      f.warm_starts,
      f.init_ms === null ? "" : Math.round(f.init_ms),
      f.last_error || "",
    ]),
  );
  fillTable("mappings", [
    ...Object.entries(status.mappings).map(([key, m]) => [
      nameOf(m.function_arn),
      sourceOf(m.source_arn),
      key.split("/").slice(1).join("/"),
      m.records_delivered,
      m.caught_up ? "caught up" : `${(m.iterator_age_ms / 1000).toFixed(1)} s`,
      m.checkpoint || "-",
      `${m.batches_to_failure_destination} batches`,
      m.last_error || "",
    ]),
    ...Object.values(status.sqs_mappings).map((m) => [
      nameOf(m.function_arn),
      nameOf(m.queue_arn),
      "queue",
      m.messages_deleted,
      "",
      "",
      "(queue redrive policy)",
      m.last_error || "",
    ]),
  ]);
  fillTable(
    "apis",
    Object.entries(status.apis).map(([id, a]) => [
      a.name,
      id,
      a.requests,
      a.client_errors,
      a.server_errors,
    ]),
  );
  fillTable(
    "failure-queues",
    Object.entries(status.failure_queues).map(([name, q]) => [name, q.depth, q.fed_by.join(", ")]),
  );
}

function renderLogs(tails) {
  const open = new Set(
    [...$("logs").querySelectorAll("details[open]")].map((d) => d.dataset.function),
  );
  $("logs").replaceChildren(
    ...Object.entries(tails).map(([name, lines]) => {
      const details = element("details");
      details.dataset.function = name;
      details.open = open.has(name);
      details.append(element("summary", `${name} (${lines.length} lines)`));
      details.append(element("pre", lines.join("\n") || "(empty)"));
      return details;
    }),
  );
}

// ---- resources: a list on the left, contents one click away --------------------------

function linkButton(text, onClick) {
  const button = element("button", text, "link");
  button.type = "button";
  button.addEventListener("click", () => onClick().catch(showError));
  return button;
}

function showViewer(title, items = [], content = "") {
  $("viewer").hidden = false;
  $("viewer-title").textContent = title;
  $("viewer-list").replaceChildren(...items);
  $("viewer-content").textContent = content;
}

async function showBucket(bucket) {
  const listing = await getJson("objects", { bucket });
  const items = listing.objects.map((o) => {
    const item = element("li");
    item.append(linkButton(o.key, () => showObject(bucket, o.key)));
    item.append(element("span", ` ${o.size} bytes`, "muted"));
    if (o.reason) item.append(element("span", ` reason: ${o.reason}`, "error"));
    return item;
  });
  const more = listing.truncated ? " (first keys only)" : "";
  showViewer(`s3://${bucket}: ${listing.objects.length} objects${more}`, items);
}

async function showObject(bucket, key) {
  const object = await getJson("object", { bucket, key });
  $("viewer-title").textContent = `s3://${bucket}/${key}`;
  $("viewer-content").textContent = object.text + (object.truncated ? "\n… (cut)" : "");
}

async function showQueue(queue) {
  const peeked = await getJson("messages", { queue });
  if (peeked.consumed_by_function) {
    showViewer(`${queue}: consumed by a function, not peeked`);
    return;
  }
  showViewer(
    `${queue}: ${peeked.messages.length} message(s)`,
    [],
    peeked.messages.map((m) => `# ${m.id}\n${m.body}`).join("\n\n") || "(empty)",
  );
}

async function showTable(table) {
  const scan = await getJson("items", { table });
  showViewer(
    `${table}: ${scan.items.length} item(s)${scan.truncated ? " (first ones)" : ""}`,
    [],
    scan.items.map((item) => JSON.stringify(item, null, 2)).join("\n") || "(empty)",
  );
}

async function showSent(path, title) {
  const sent = await getJson(path);
  showViewer(
    `${title}: ${sent.length}`,
    [],
    sent.map((s) => JSON.stringify(s, null, 2)).join("\n") || "(none)",
  );
}

async function loadResources() {
  const resources = await getJson("resources");
  const list = (id, entries, label, open) =>
    $(id).replaceChildren(
      ...entries.map((entry) => {
        const item = element("li");
        item.append(linkButton(entry.name, () => open(entry.name)));
        item.append(element("span", ` ${label(entry)}`, "muted"));
        return item;
      }),
    );
  list("buckets", resources.buckets, (b) => `${b.objects} objects`, showBucket);
  list(
    "queues",
    resources.queues,
    (q) => `${q.messages} waiting, ${q.in_flight} in flight${q.consumed_by_function ? " (mapped)" : ""}`,
    showQueue,
  );
  list("tables", resources.tables, (t) => `${t.items} items`, showTable);
}

// ---- the loop --------------------------------------------------------------------------

function showError(error) {
  $("error").textContent = error instanceof Error ? error.message : String(error);
}

async function refresh() {
  try {
    const [status, logs] = await Promise.all([getJson("status"), getJson("logs")]);
    renderStatus(status);
    renderLogs(logs);
    $("error").textContent = "";
  } catch (error) {
    showError(`the runtime does not answer: ${error.message}`);
  }
}

$("show-emails").addEventListener("click", () =>
  showSent("emails", "Emails SES accepted").catch(showError),
);
$("show-pushes").addEventListener("click", () =>
  showSent("pushes", "Pushes to mobile endpoints").catch(showError),
);
await refresh();
await loadResources().catch(showError);
setInterval(refresh, REFRESH_MS);
setInterval(() => loadResources().catch(showError), REFRESH_MS * 5);
