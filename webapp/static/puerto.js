// Progressive enhancement only: every page works without JavaScript.
"use strict";

document.addEventListener("DOMContentLoaded", () => {
  // A form sent back with errors: bring its summary (links to each field) to attention.
  const summary = document.querySelector(".form-errors");
  if (summary) {
    summary.focus();
  }

  // Long lists of checkboxes get a filter box (without JavaScript the whole list shows).
  const fold = (text) => text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  for (const list of document.querySelectorAll("ul.choice-list[data-filter]")) {
    const box = document.createElement("input");
    box.type = "search";
    box.className = "choice-filter";
    box.placeholder = list.dataset.filter;
    box.setAttribute("aria-label", list.dataset.filter);
    list.before(box);
    box.addEventListener("input", () => {
      const wanted = fold(box.value.trim());
      for (const item of list.children) {
        const input = item.querySelector("input");
        // A checked choice stays in view, so a filter never hides what is chosen.
        item.hidden = wanted !== "" && !(input && input.checked) && !fold(item.textContent).includes(wanted);
      }
    });
    // Enter in the filter box must not send the form.
    box.addEventListener("keydown", (event) => {
      if (event.key === "Enter") {
        event.preventDefault();
      }
    });
  }

  // Buttons that ask before doing something that cannot be undone.
  for (const form of document.querySelectorAll("form[data-confirm]")) {
    form.addEventListener("submit", (event) => {
      if (!window.confirm(form.dataset.confirm)) {
        event.preventDefault();
      }
    });
  }
});
