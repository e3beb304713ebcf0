// Printable pages: a Print button that opens the browser's print dialog. Without JavaScript the
// page says to use the browser's own Print command, which prints the same thing.
(function () {
  "use strict";
  var buttons = document.querySelectorAll(".js-print");
  if (!buttons.length || typeof window.print !== "function") return;
  Array.prototype.forEach.call(buttons, function (button) {
    button.hidden = false;
    button.addEventListener("click", function () { window.print(); });
  });
})();
