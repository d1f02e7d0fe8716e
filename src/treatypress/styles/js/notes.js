/* Pop-up notes on wide screens: pointing at or tabbing to a note call shows the note beside it.
   The call is still a link to the note after the chapter, which is what narrow screens, readers
   without scripts and screen readers get; the note pops up as the call's description. */
(function () {
  "use strict";
  var wide = window.matchMedia("(min-width: 60em)");
  var box = document.createElement("div");
  var timer = 0;
  box.className = "note-popup";
  box.id = "note-popup";
  box.setAttribute("role", "tooltip");
  box.hidden = true;
  document.body.appendChild(box);

  function show(call) {
    var note = document.getElementById(decodeURIComponent(call.hash.slice(1)));
    if (!wide.matches || !note) return;
    clearTimeout(timer);
    box.innerHTML = note.innerHTML;
    var back = box.querySelector(".backlink");
    if (back) back.parentNode.removeChild(back);
    box.hidden = false;
    var view = document.documentElement.clientWidth;
    var rect = call.getBoundingClientRect();
    var width = Math.min(box.offsetWidth, view - 16);
    var left = Math.max(8, Math.min(rect.left - width / 2, view - width - 8));
    box.style.left = (left + window.scrollX) + "px";
    box.style.top = (rect.bottom + window.scrollY + 6) + "px";
    call.setAttribute("aria-describedby", "note-popup");
  }

  function hideSoon() {
    clearTimeout(timer);
    timer = setTimeout(function () { box.hidden = true; }, 300);
  }

  Array.prototype.forEach.call(document.querySelectorAll("a.noteref"), function (call) {
    call.addEventListener("mouseenter", function () { show(call); });
    call.addEventListener("focus", function () { show(call); });
    call.addEventListener("mouseleave", hideSoon);
    call.addEventListener("blur", hideSoon);
  });
  box.addEventListener("mouseenter", function () { clearTimeout(timer); });
  box.addEventListener("mouseleave", hideSoon);
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape") box.hidden = true;
  });
})();
