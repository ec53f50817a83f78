// The survey's error summary takes focus when the page loads with one, so keyboard and
// screen-reader users land on the list of what to fix (each item links to its field).
document.addEventListener("DOMContentLoaded", () => {
  const summary = document.querySelector("[data-error-summary]");
  if (summary) {
    summary.focus();
  }
});
