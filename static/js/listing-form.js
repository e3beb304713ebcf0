// The listing form, enhanced. Without this script the form already works: it offers a few
// empty meeting rows (several meetings in one save), a "Remove" tick box on each saved one,
// and latitude and longitude fields under the map.
// With it: one row shows at a time, "Add a meeting time" adds another without a round trip,
// each row has a Remove button (undoable until saving), the date fields that only one kind
// of schedule uses show for that schedule, and the pin moves where the map is clicked.
(function () {
  "use strict";

  // --- Meeting rows -------------------------------------------------------------------
  var rows = document.querySelector(".js-meeting-rows");
  if (rows) {
    var prefix = rows.dataset.prefix;
    var most = parseInt(rows.dataset.max, 10) || 7;
    var total = document.getElementById("id_" + prefix + "-TOTAL_FORMS");
    var template = document.getElementById("meeting-row-template");
    var tools = document.querySelector(".meeting-tools");
    var addButton = tools.querySelector(".js-add-meeting");
    var limit = tools.querySelector(".js-meeting-limit");

    var field = function (row, name) {
      return row.querySelector("[name$='-" + name + "']");
    };
    var isSaved = function (row) {
      var id = field(row, "id");
      return Boolean(id && id.value);
    };
    var isBlank = function (row) {
      return ["weekday", "start", "end", "starts_on", "week_of_month"].every(function (name) {
        var input = field(row, name);
        return !input || !input.value;
      });
    };
    var hasErrors = function (row) {
      return Boolean(row.querySelector(".errorlist"));
    };
    var liveRows = function () {
      return Array.prototype.filter.call(rows.querySelectorAll("[data-meeting-row]"), function (row) {
        return !row.hidden;
      });
    };

    var renumber = function () {
      var shown = liveRows();
      shown.forEach(function (row, index) {
        row.querySelector("legend").textContent = rows.dataset.legend.replace("%s", String(index + 1));
        var remove = row.querySelector(".js-remove-meeting");
        if (remove) {
          remove.querySelector(".visually-hidden").textContent = " " + (index + 1);
          remove.hidden = shown.length === 1 && !isSaved(row);
        }
      });
      var full = shown.length >= most;
      addButton.hidden = full;
      limit.hidden = !full;
    };

    var showFor = function (row) {
      var how = field(row, "recurrence");
      if (!how) return;
      row.querySelectorAll(".js-for-biweekly, .js-for-monthly").forEach(function (box) {
        var wanted = box.classList.contains("js-for-biweekly") ? "biweekly" : "monthly";
        box.hidden = how.value !== wanted && !box.querySelector(".errorlist");
      });
    };

    var clear = function (row) {
      row.querySelectorAll("input:not([type=hidden]):not([type=checkbox]), select").forEach(function (input) {
        input.value = input.tagName === "SELECT" && input.name.slice(-11) === "-recurrence" ? "weekly" : "";
      });
      row.querySelectorAll(".errorlist").forEach(function (list) { list.remove(); });
      showFor(row);
    };

    var undoLine = function (row) {
      var line = document.createElement("p");
      line.className = "meeting-undo";
      var text = document.createElement("span");
      text.textContent = rows.dataset.removed.replace("%s", row.querySelector("legend").textContent);
      var keep = document.createElement("button");
      keep.type = "button";
      keep.className = "link-button";
      keep.textContent = rows.dataset.keep;
      keep.addEventListener("click", function () {
        field(row, "DELETE").checked = false;
        row.hidden = false;
        line.remove();
        renumber();
        field(row, "weekday").focus();
      });
      line.appendChild(text);
      line.appendChild(document.createTextNode(" "));
      line.appendChild(keep);
      return line;
    };

    var remove = function (row) {
      var next = liveRows().filter(function (other) { return other !== row; })[0];
      if (isSaved(row)) {
        field(row, "DELETE").checked = true;
        row.hidden = true;
        var line = undoLine(row);
        row.after(line);
        line.querySelector("button").focus();
      } else {
        clear(row);
        row.hidden = true;
        (next ? field(next, "weekday") : addButton).focus();
      }
      renumber();
    };

    var enhance = function (row) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "link-button js-remove-meeting";
      button.textContent = rows.dataset.removeLabel;
      var hidden = document.createElement("span");
      hidden.className = "visually-hidden";
      button.appendChild(hidden);
      button.addEventListener("click", function () { remove(row); });
      var tick = row.querySelector(".meeting-row__delete");
      if (tick) tick.hidden = true;
      var hint = row.querySelector(".meeting-row__blank");
      if (hint) hint.hidden = true;
      row.appendChild(button);
      var how = field(row, "recurrence");
      if (how) how.addEventListener("change", function () { showFor(row); });
      showFor(row);
    };

    var add = function () {
      var spare = Array.prototype.filter.call(rows.querySelectorAll("[data-meeting-row]"), function (row) {
        return row.hidden && !isSaved(row);
      })[0];
      if (!spare) {
        var index = parseInt(total.value, 10);
        var html = template.innerHTML.replace(/__prefix__/g, String(index));
        var holder = document.createElement("div");
        holder.innerHTML = html;
        spare = holder.querySelector("[data-meeting-row]");
        rows.appendChild(spare);
        total.value = String(index + 1);
        enhance(spare);
      }
      rows.appendChild(spare); // new rows go after the others
      spare.hidden = false;
      renumber();
      field(spare, "weekday").focus();
    };

    rows.querySelectorAll("[data-meeting-row]").forEach(function (row) {
      enhance(row);
      if (!isSaved(row) && isBlank(row) && !hasErrors(row)) row.hidden = true;
    });
    if (!liveRows().length) {
      var first = rows.querySelector("[data-meeting-row]");
      if (first) first.hidden = false;
    }
    addButton.addEventListener("click", add);
    tools.hidden = false;
    renumber();
  }

  // --- The pin --------------------------------------------------------------------------
  var figure = document.querySelector("[data-pin-map]");
  if (figure) {
    var svg = figure.querySelector("svg");
    var marker = figure.querySelector("[data-marker]");
    var status = figure.querySelector("[data-pin-status]");
    var origin = { lat: parseFloat(figure.dataset.lat), lng: parseFloat(figure.dataset.lng) };
    var dlat = parseFloat(figure.dataset.dlat);
    var dlng = parseFloat(figure.dataset.dlng);
    var width = parseFloat(figure.dataset.width);
    var height = parseFloat(figure.dataset.height);
    var latInput = document.getElementById("id_" + figure.dataset.for + "-latitude");
    var lngInput = document.getElementById("id_" + figure.dataset.for + "-longitude");
    var current = { lat: origin.lat, lng: origin.lng };
    var STEP_M = 25;

    var metres = function (a, b) {
      var rad = Math.PI / 180;
      var x = (b.lng - a.lng) * rad * Math.cos(((a.lat + b.lat) / 2) * rad);
      var y = (b.lat - a.lat) * rad;
      return Math.round(Math.sqrt(x * x + y * y) * 6371000);
    };

    var place = function (point, announce) {
      var x = width / 2 + (point.lng - origin.lng) / dlng;
      var y = height / 2 - (point.lat - origin.lat) / dlat;
      x = Math.min(Math.max(x, 6), width - 6);
      y = Math.min(Math.max(y, 6), height - 6);
      current = { lat: origin.lat - (y - height / 2) * dlat, lng: origin.lng + (x - width / 2) * dlng };
      marker.setAttribute("transform", "translate(" + x.toFixed(1) + " " + y.toFixed(1) + ")");
      if (!announce) return;
      latInput.value = current.lat.toFixed(5);
      lngInput.value = current.lng.toFixed(5);
      var moved = metres(origin, current);
      status.textContent = moved
        ? figure.dataset.moved.replace("%lat", current.lat.toFixed(5)).replace("%lng", current.lng.toFixed(5))
          .replace("%m", String(moved))
        : figure.dataset.back;
    };

    svg.addEventListener("click", function (event) {
      var matrix = svg.getScreenCTM();
      if (!matrix) return;
      var point = svg.createSVGPoint();
      point.x = event.clientX;
      point.y = event.clientY;
      var local = point.matrixTransform(matrix.inverse());
      place({ lat: origin.lat - (local.y - height / 2) * dlat, lng: origin.lng + (local.x - width / 2) * dlng }, true);
    });
    figure.querySelectorAll("[data-move]").forEach(function (button) {
      button.addEventListener("click", function () {
        var step = { lat: STEP_M / 111195, lng: STEP_M / (111195 * Math.cos((current.lat * Math.PI) / 180)) }; // metres a degree, as groups/geo.py
        var moves = {
          north: { lat: current.lat + step.lat, lng: current.lng },
          south: { lat: current.lat - step.lat, lng: current.lng },
          east: { lat: current.lat, lng: current.lng + step.lng },
          west: { lat: current.lat, lng: current.lng - step.lng },
          reset: origin,
        };
        place(moves[button.dataset.move], true);
      });
    });
    [latInput, lngInput].forEach(function (input) {
      input.addEventListener("change", function () {
        var lat = parseFloat(latInput.value);
        var lng = parseFloat(lngInput.value);
        if (!isNaN(lat) && !isNaN(lng)) place({ lat: lat, lng: lng }, false);
      });
    });
    figure.querySelector("[data-pin-nudge]").hidden = false;
    figure.querySelector("[data-pin-how]").hidden = false;
    svg.classList.add("pin-map__svg--live");
  }
})();
