// Reads an .ics file the way Thunderbird does (ical.js) and prints what it understood as JSON.
//
//   node read_ics.mjs FILE            -> {method, events: [...], occurrences: [...]}
//   node read_ics.mjs FILE --offsets  -> reads {"tzid": [unix seconds...]} on stdin and prints
//                                        {"tzid": [utc offset in seconds...]} as ical.js
//                                        places those instants with the file's VTIMEZONE.
//
// Occurrences are expanded with ical.js's own ICAL.Event iterator (RRULE, EXDATE and
// RECURRENCE-ID overrides) and converted to UTC with the VTIMEZONE blocks of the file only:
// a TZID that the file does not define is an error, never a silent floating time.
import { readFileSync } from "node:fs";
import ICAL from "ical.js";

const MAX_OCCURRENCES = 2000;

function fail(message) {
  process.stderr.write(`read_ics: ${message}\n`);
  process.exit(2);
}

function unix(time) {
  const tzid = time.timezone;
  if (tzid && (!time.zone || time.zone.tzid !== tzid)) {
    fail(`TZID ${tzid} is not defined by a VTIMEZONE in the file`);
  }
  if (time.isDate) fail("DATE values are not expected in meeting invitations");
  if (!time.zone || time.zone === ICAL.Timezone.localTimezone) {
    fail(`floating time ${time.toString()}`);
  }
  return time.toUnixTime();
}

function property(component, name) {
  const prop = component.getFirstProperty(name);
  if (!prop) return null;
  return {
    value: prop.type === "recur" ? prop.getFirstValue().toString() : String(prop.getFirstValue()),
    values: prop.getValues().map(String),
    params: prop.toJSON()[1],
    type: prop.type,
  };
}

function all(component, name) {
  return component.getAllProperties(name).map((prop) => ({
    values: prop.getValues().map(String),
    params: prop.toJSON()[1],
    type: prop.type,
  }));
}

function describe(vevent) {
  const recurrenceId = vevent.getFirstPropertyValue("recurrence-id");
  return {
    uid: vevent.getFirstPropertyValue("uid"),
    sequence: vevent.getFirstPropertyValue("sequence"),
    summary: vevent.getFirstPropertyValue("summary"),
    description: vevent.getFirstPropertyValue("description"),
    location: vevent.getFirstPropertyValue("location"),
    status: vevent.getFirstPropertyValue("status"),
    dtstamp: property(vevent, "dtstamp"),
    dtstart: property(vevent, "dtstart"),
    dtend: property(vevent, "dtend"),
    rrule: property(vevent, "rrule"),
    exdate: all(vevent, "exdate"),
    recurrence_id: property(vevent, "recurrence-id"),
    recurrence_id_utc: recurrenceId ? unix(recurrenceId) : null,
    organizer: property(vevent, "organizer"),
    attendees: all(vevent, "attendee"),
    valarms: vevent.getAllSubcomponents("valarm").length,
  };
}

function occurrence(uid, recurrenceId, item, start, end) {
  return {
    uid,
    recurrence_id_utc: recurrenceId ? unix(recurrenceId) : null,
    start_utc: unix(start),
    end_utc: unix(end),
    summary: item.summary,
    location: item.location,
    status: item.component.getFirstPropertyValue("status"),
  };
}

function expand(vevents) {
  const byUid = new Map();
  for (const vevent of vevents) {
    const uid = vevent.getFirstPropertyValue("uid");
    if (!byUid.has(uid)) byUid.set(uid, []);
    byUid.get(uid).push(vevent);
  }
  const result = [];
  for (const [uid, group] of byUid) {
    const masters = group.filter((v) => !v.hasProperty("recurrence-id"));
    const overrides = group.filter((v) => v.hasProperty("recurrence-id"));
    if (masters.length > 1) fail(`${masters.length} master events for ${uid}`);
    if (masters.length === 0) {
      for (const v of overrides) {
        const item = new ICAL.Event(v);
        result.push(occurrence(uid, item.recurrenceId, item, item.startDate, item.endDate));
      }
      continue;
    }
    const event = new ICAL.Event(masters[0]);
    for (const v of overrides) event.relateException(v);
    if (!event.isRecurring()) {
      result.push(occurrence(uid, null, event, event.startDate, event.endDate));
      continue;
    }
    const iterator = event.iterator();
    let next;
    let count = 0;
    while ((next = iterator.next())) {
      if (++count > MAX_OCCURRENCES) fail(`more than ${MAX_OCCURRENCES} occurrences`);
      const details = event.getOccurrenceDetails(next);
      result.push(
        occurrence(uid, details.recurrenceId, details.item, details.startDate, details.endDate),
      );
    }
  }
  return result;
}

const [file, mode] = process.argv.slice(2);
if (!file) fail("usage: node read_ics.mjs FILE [--offsets]");
const root = new ICAL.Component(ICAL.parse(readFileSync(file, "utf8")));
if (root.name !== "vcalendar") fail(`top component is ${root.name}`);
const zones = new Map();
for (const vtimezone of root.getAllSubcomponents("vtimezone")) {
  const zone = new ICAL.Timezone(vtimezone);
  ICAL.TimezoneService.register(zone, zone.tzid);
  zones.set(zone.tzid, zone);
}

if (mode === "--offsets") {
  const asked = JSON.parse(readFileSync(0, "utf8"));
  const answer = {};
  for (const [tzid, instants] of Object.entries(asked)) {
    const zone = zones.get(tzid);
    if (!zone) fail(`no VTIMEZONE for ${tzid}`);
    answer[tzid] = instants.map((seconds) => {
      const local = ICAL.Time.fromJSDate(new Date(seconds * 1000), true).convertToZone(zone);
      const wall = Date.UTC(
        local.year, local.month - 1, local.day, local.hour, local.minute, local.second,
      );
      return wall / 1000 - seconds;
    });
  }
  process.stdout.write(JSON.stringify(answer));
} else {
  const vevents = root.getAllSubcomponents("vevent");
  process.stdout.write(
    JSON.stringify({
      method: root.getAllProperties("method").map((p) => p.getFirstValue()),
      version: root.getFirstPropertyValue("version"),
      prodid: root.getFirstPropertyValue("prodid"),
      timezones: [...zones.keys()],
      events: vevents.map(describe),
      occurrences: expand(vevents),
    }),
  );
}
