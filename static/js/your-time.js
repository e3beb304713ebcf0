// An online group's page: when the browser's time zone is not the group's, add the next
// meeting's time as the visitor lives it. The page says the group's own time without this.
(function () {
  "use strict";
  var line = document.querySelector(".js-your-time");
  if (!line || !line.dataset.start || !window.Intl) return;
  var start = new Date(line.dataset.start);
  if (isNaN(start.getTime())) return;
  var options = { weekday: "long", day: "numeric", month: "long", hour: "numeric", minute: "2-digit" };
  var mine, theirs, zoneName;
  try {
    mine = new Intl.DateTimeFormat(undefined, options).format(start);
    theirs = new Intl.DateTimeFormat(undefined, Object.assign({ timeZone: line.dataset.zone }, options)).format(start);
    zoneName = new Intl.DateTimeFormat(undefined, { timeZoneName: "long" })
      .formatToParts(start).filter(function (part) { return part.type === "timeZoneName"; })[0];
  } catch (e) { return; }
  if (mine === theirs) return; // the same wall-clock time: nothing to add
  var strong = document.createElement("strong");
  var time = document.createElement("time");
  time.dateTime = line.dataset.start;
  time.textContent = mine;
  strong.appendChild(time);
  line.textContent = line.dataset.label + " ";
  line.appendChild(strong);
  if (zoneName) {
    var zone = document.createElement("span");
    zone.className = "muted";
    zone.textContent = " (" + zoneName.value + ")";
    line.appendChild(zone);
  }
  line.hidden = false;
})();
