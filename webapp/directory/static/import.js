// Refreshes the import's progress bar while the job runs. Without JavaScript the page
// offers a "Refresh" link instead.
"use strict";

document.addEventListener("DOMContentLoaded", () => {
  const bar = document.querySelector("progress[data-progress-url]");
  if (!bar) {
    return;
  }
  const label = document.getElementById("import-status");
  const poll = async () => {
    try {
      const response = await fetch(bar.dataset.progressUrl, {
        headers: { Accept: "application/json" },
        credentials: "same-origin",
      });
      if (response.ok) {
        const job = await response.json();
        if (job.finished) {
          window.location.reload();
          return;
        }
        if (job.status === "applying") {
          bar.removeAttribute("value");
        } else {
          bar.max = 100;
          bar.value = job.percent;
        }
        if (label) {
          label.textContent = `${job.label} — ${job.processed} / ${job.total}`;
        }
      }
    } catch (error) {
      // A network hiccup: try again at the next tick.
    }
    window.setTimeout(poll, 1000);
  };
  window.setTimeout(poll, 1000);
});
