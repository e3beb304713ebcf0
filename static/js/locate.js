// "Use my location": fills the hidden lat/lng fields from the browser and submits the search.
// Also passes the browser's time zone so online meeting times show in the visitor's own time.
// The search works without this script; it only adds the button, and only where it can work: the
// browser has geolocation, the page is a secure context (browsers refuse it over plain HTTP), and
// the site's permissions policy has not turned it off.
(function () {
  "use strict";
  var form = document.querySelector(".search-form, .find-form");
  if (!form) return;
  var tz = form.querySelector("input[name=tz]");
  try {
    if (tz && !tz.value) tz.value = Intl.DateTimeFormat().resolvedOptions().timeZone || "";
  } catch (e) { /* no Intl: the server uses the searched place's zone */ }
  var button = form.querySelector(".js-locate");
  var status = document.querySelector(".js-locate-status");
  if (!button || !("geolocation" in navigator) || !window.isSecureContext) return;
  var policy = document.permissionsPolicy || document.featurePolicy;
  if (policy && policy.allowsFeature && !policy.allowsFeature("geolocation")) return;
  button.hidden = false;
  button.addEventListener("click", function () {
    if (status) { status.hidden = false; status.textContent = button.dataset.finding || "Finding your location…"; }
    navigator.geolocation.getCurrentPosition(function (position) {
      form.querySelector("input[name=lat]").value = position.coords.latitude.toFixed(4);
      form.querySelector("input[name=lng]").value = position.coords.longitude.toFixed(4);
      var near = form.querySelector("input[name=near]");
      if (near) near.value = "";
      form.submit();
    }, function () {
      if (status) status.textContent = button.dataset.failed || "We could not get your location. Please type a town or ZIP code instead.";
    }, { timeout: 10000, maximumAge: 600000 });
  });
})();
