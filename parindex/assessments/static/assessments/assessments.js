/* The self-assessment page: keeps the deadline countdown running. The server said how many
   seconds were left (data-remaining) and how to say it in the page's language (data-days,
   data-hours, data-minutes with {d} {h} {m}, data-closed). */
(function () {
  "use strict";

  function tick() {
    document.querySelectorAll(".countdown[data-remaining]").forEach(function (el) {
      if (!el.dataset.t0) { el.dataset.t0 = String(Date.now()); }
      var left = Math.max(0, Number(el.dataset.remaining) - Math.floor((Date.now() - Number(el.dataset.t0)) / 1000));
      var d = Math.floor(left / 86400), h = Math.floor(left % 86400 / 3600), m = Math.floor(left % 3600 / 60);
      var text = left <= 0 ? el.dataset.closed : d > 0 ? el.dataset.days : h > 0 ? el.dataset.hours : el.dataset.minutes;
      el.textContent = text.replace("{d}", d).replace("{h}", h).replace("{m}", Math.max(m, 1));
    });
  }

  tick();
  setInterval(tick, 20000);
})();
