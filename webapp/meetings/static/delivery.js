// Delivery progress of invitations on the participants page, polled without a reload.
(function () {
  "use strict";
  var table = document.getElementById("participants");
  if (!table || !table.dataset.deliveryUrl) { return; }
  var url = table.dataset.deliveryUrl;
  // Right after "Send invitations" a worker is still writing them: rows without a message
  // yet are waited for too (but not the organizer's own address, which is never sent one).
  var sending = table.dataset.sending === "1";
  var rounds = 0;
  function update() {
    rounds += 1;
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : []; })
      .then(function (rows) {
        var waiting = false;
        var seen = {};
        rows.forEach(function (row) {
          seen[row.id] = true;
          var cell = table.querySelector('tr[data-participant="' + row.id + '"] .delivery');
          if (!cell) { return; }
          cell.textContent = row.label + (row.error ? " — " + row.error : "");
          cell.dataset.status = row.status;
          if (row.status === "pending" || row.status === "sending") { waiting = true; }
        });
        if (sending) {
          table.querySelectorAll("tr[data-participant]:not([data-skip])").forEach(function (tr) {
            if (!seen[tr.dataset.participant]) { waiting = true; }
          });
        }
        if (waiting && rounds < 200) { window.setTimeout(update, 1500); }
      })
      .catch(function () { if (rounds < 200) { window.setTimeout(update, 5000); } });
  }
  update();
}());
