// The case page's "打印本页" button (a script file: the CSP allows no inline handlers).
document.addEventListener("click", function (event) {
  if (event.target.closest && event.target.closest("[data-print-page]")) {
    window.print();
  }
});
