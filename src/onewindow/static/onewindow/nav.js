// The navigation's menus are <details> disclosures and work without this script. It adds what
// people expect of a menu: Escape closes it (focus back on its button), a click elsewhere or the
// keyboard focus leaving it closes it, and opening one closes the others (where the browser does
// not already do so for <details name="nav">).
(function () {
  "use strict";
  var nav = document.querySelector("nav.menus");
  if (!nav) return;
  var menus = Array.prototype.slice.call(nav.querySelectorAll("details.menu"));

  function closeAll(except) {
    menus.forEach(function (d) {
      if (d !== except && d.open) d.open = false;
    });
  }

  menus.forEach(function (d) {
    d.addEventListener("toggle", function () {
      if (d.open) closeAll(d);
    });
    d.addEventListener("focusout", function (event) {
      // Only when the focus moves to something else (Tab): a click on a link inside keeps it.
      var next = event.relatedTarget;
      if (next && !d.contains(next)) d.open = false;
    });
  });

  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") return;
    var open = menus.filter(function (d) { return d.open; })[0];
    if (!open) return;
    open.open = false;
    open.querySelector("summary").focus();
  });

  document.addEventListener("pointerdown", function (event) {
    if (!nav.contains(event.target)) closeAll(null);
  });
})();
