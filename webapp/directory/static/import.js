// Refreshes the import's progress while the job runs: the bar (a percentage while the rows
// are checked, an activity bar while waiting or saving) and the sentence under the status,
// both as the server words them in the reader's language. Without JavaScript the page
// offers a "Refresh" link instead.
"use strict";

document.addEventListener("DOMContentLoaded", () => {
  const bar = document.querySelector("progress[data-progress-url]");
  if (!bar) {
    return;
  }
  const label = document.getElementById("import-label");
  const text = document.getElementById("import-status");
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
        if (job.status === "validating") {
          bar.max = 100;
          bar.value = job.percent;
          bar.textContent = `${job.percent}%`;
        } else {
          bar.removeAttribute("value");
          bar.textContent = job.label;
        }
        if (label) {
          label.textContent = job.label;
        }
        if (text && text.textContent !== job.text) {
          text.textContent = job.text;
        }
      }
    } catch (error) {
      // A network hiccup: try again at the next tick.
    }
    window.setTimeout(poll, 1000);
  };
  window.setTimeout(poll, 1000);
});
