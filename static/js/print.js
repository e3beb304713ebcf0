// A "Print this page" button where a page offers one: shown only when scripts run (the
// browser's own Print works everywhere; the print stylesheet does the rest).
document.querySelectorAll(".js-print").forEach((button) => {
  button.hidden = false;
  button.addEventListener("click", () => window.print());
});
