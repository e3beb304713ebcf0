// "Copy" buttons beside read-only fields (the private calendar address). Without script the
// field is there to select and copy by hand, and the button stays hidden.
(function () {
  "use strict";
  document.querySelectorAll("[data-copy]").forEach(function (button) {
    var field = document.getElementById(button.dataset.copy);
    var status = document.querySelector("[data-copy-status='" + button.dataset.copy + "']");
    if (!field) return;
    var say = function (ok) {
      if (status) status.textContent = ok ? status.dataset.copied : status.dataset.failed;
    };
    button.addEventListener("click", function () {
      field.select();
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(field.value).then(function () { say(true); }, function () {
          say(document.execCommand && document.execCommand("copy"));
        });
      } else {
        say(document.execCommand && document.execCommand("copy"));
      }
    });
    button.hidden = false;
  });
})();
