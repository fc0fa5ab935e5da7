// Progressive enhancement only: every page works without JavaScript.
"use strict";

document.addEventListener("DOMContentLoaded", () => {
  // Buttons that ask before doing something that cannot be undone.
  for (const form of document.querySelectorAll("form[data-confirm]")) {
    form.addEventListener("submit", (event) => {
      if (!window.confirm(form.dataset.confirm)) {
        event.preventDefault();
      }
    });
  }
});
