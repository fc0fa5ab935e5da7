// Delivery progress of invitations on the participants page, polled without a reload.
(function () {
  "use strict";
  var table = document.getElementById("participants");
  if (!table || !table.dataset.deliveryUrl) { return; }
  var url = table.dataset.deliveryUrl;
  var rounds = 0;
  function update() {
    rounds += 1;
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : []; })
      .then(function (rows) {
        var waiting = false;
        rows.forEach(function (row) {
          var cell = table.querySelector('tr[data-participant="' + row.id + '"] .delivery');
          if (!cell) { return; }
          cell.textContent = row.label + (row.error ? " — " + row.error : "");
          cell.dataset.status = row.status;
          if (row.status === "pending" || row.status === "sending") { waiting = true; }
        });
        if (waiting && rounds < 200) { window.setTimeout(update, 1500); }
      })
      .catch(function () { if (rounds < 200) { window.setTimeout(update, 5000); } });
  }
  update();
}());
