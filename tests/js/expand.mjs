// Reads .ics files the way two real calendar clients do and prints every occurrence's start, as
// a UTC instant, between two dates: {"file": {"ical.js": {uid: [iso, ...]}, "node-ical": {...}}}.
// Usage: node expand.mjs FROM TO file.ics [file.ics ...]   (FROM and TO as ISO 8601 instants)
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import ICAL from "ical.js";

const require = createRequire(import.meta.url);
const nodeIcal = require("node-ical");

const [from, to, ...files] = process.argv.slice(2);
const start = new Date(from);
const end = new Date(to);

function withIcalJs(text) {
  // Thunderbird's parser: zones come from the file's own VTIMEZONE components.
  ICAL.TimezoneService.reset();
  const calendar = new ICAL.Component(ICAL.parse(text));
  for (const zone of calendar.getAllSubcomponents("vtimezone")) {
    ICAL.TimezoneService.register(new ICAL.Timezone(zone));
  }
  const found = {};
  for (const component of calendar.getAllSubcomponents("vevent")) {
    const event = new ICAL.Event(component);
    const starts = [];
    const iterator = event.iterator();
    for (let next = iterator.next(); next; next = iterator.next()) {
      const instant = next.toJSDate();
      if (instant > end) break;
      if (instant >= start) starts.push(instant.toISOString());
    }
    found[event.uid] = starts;
  }
  return found;
}

function withNodeIcal(text) {
  const found = {};
  for (const event of Object.values(nodeIcal.sync.parseICS(text))) {
    if (event.type !== "VEVENT") continue;
    const instances = nodeIcal.expandRecurringEvent(event, { from: start, to: end });
    found[event.uid] = instances.map((instance) => new Date(instance.start).toISOString()).sort();
  }
  return found;
}

const result = {};
for (const file of files) {
  const text = readFileSync(file, "utf8");
  result[file] = { "ical.js": withIcalJs(text), "node-ical": withNodeIcal(text) };
}
process.stdout.write(JSON.stringify(result));
