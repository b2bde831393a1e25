/* The consent page's signing box: pointer events (finger, pen or mouse) on a canvas, kept as
   SVG path data on a 600 x 200 grid in the form's hidden "drawing" field. Loaded from our own
   origin (the page's Content-Security-Policy allows no inline script). Without this file the
   page offers a typed name and a tick, where the trial allows it. */
(function () {
  "use strict";
  var box = document.querySelector("[data-signature-pad]");
  if (!box) { return; }
  var root = document.getElementById("signature");
  var mode = root.getAttribute("data-signature-mode");
  var canvas = box.querySelector("canvas");
  var field = box.querySelector("input[name=drawing]");
  var kind = root.querySelector("input[name=signature_kind]");
  var typed = root.querySelector("[data-signature-typed]");
  var needsJs = root.querySelector("[data-signature-needs-js]");
  var form = root.closest("form");
  var ctx = canvas.getContext("2d");
  var W = 600, H = 200, MAX = 32000;
  var path = [];
  var drawing = false;
  var last = null;

  ctx.lineWidth = 3;
  ctx.lineCap = "round";
  ctx.lineJoin = "round";
  ctx.strokeStyle = "#212b32";

  function showDrawing(on) {
    box.hidden = !on;
    if (typed) { typed.hidden = on; }
    kind.value = on ? "drawn" : "typed";
  }
  showDrawing(true);
  if (needsJs) { needsJs.hidden = true; }

  function point(event) {
    var rect = canvas.getBoundingClientRect();
    var x = (event.clientX - rect.left) * W / rect.width;
    var y = (event.clientY - rect.top) * H / rect.height;
    x = Math.max(0, Math.min(W, Math.round(x * 10) / 10));
    y = Math.max(0, Math.min(H, Math.round(y * 10) / 10));
    return [x, y];
  }

  function add(command, p) {
    var next = command + p[0] + " " + p[1];
    if (path.join(" ").length + next.length + 1 > MAX) { return false; }
    path.push(next);
    return true;
  }

  canvas.addEventListener("pointerdown", function (event) {
    event.preventDefault();
    canvas.setPointerCapture(event.pointerId);
    drawing = true;
    last = point(event);
    add("M", last);
    ctx.beginPath();
    ctx.moveTo(last[0], last[1]);
  });
  canvas.addEventListener("pointermove", function (event) {
    if (!drawing) { return; }
    event.preventDefault();
    var p = point(event);
    if (Math.abs(p[0] - last[0]) + Math.abs(p[1] - last[1]) < 1) { return; }
    if (!add("L", p)) { return; }
    ctx.lineTo(p[0], p[1]);
    ctx.stroke();
    last = p;
  });
  function stop(event) {
    if (!drawing) { return; }
    drawing = false;
    if (canvas.hasPointerCapture(event.pointerId)) { canvas.releasePointerCapture(event.pointerId); }
    field.value = path.join(" ");
  }
  canvas.addEventListener("pointerup", stop);
  canvas.addEventListener("pointercancel", stop);

  box.querySelector("[data-signature-clear]").addEventListener("click", function () {
    path = [];
    field.value = "";
    ctx.clearRect(0, 0, W, H);
  });
  var instead = box.querySelector("[data-signature-type]");
  if (instead && mode === "drawn_or_typed") {
    instead.addEventListener("click", function () {
      showDrawing(false);
      var name = document.getElementById("typed-name");
      if (name) { name.focus(); }
    });
  }
  if (form) {
    form.addEventListener("submit", function () { field.value = path.join(" "); });
  }
}());
