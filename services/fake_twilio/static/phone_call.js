// The phone's calls (decision 0033): polls the chosen number's current call and draws it.
// Ringing: Answer, Let it go to voicemail, Decline. Answered: each prompt plays in the
// <audio> element (a <Play> recording, or <Say> as espeak-ng speaks it) with its words as
// a caption; when the audio ends the fake is told, so the call goes on. Keys go to the
// current <Gather>. No inline script: the page's CSP allows scripts from this server only.
(() => {
  const panel = document.querySelector('[data-testid="call"]');
  if (!panel) return;
  const part = (id) => panel.querySelector(`[data-testid="${id}"]`);
  const status = part("call-status"), ringing = part("call-ringing"), live = part("call-live");
  const caption = part("call-caption"), audio = part("call-audio"), keys = part("call-keys");
  const elsewhere = part("call-elsewhere");
  const reported = new Set();
  let call = null;
  let playing = null;

  const actUrl = (sid, action) =>
    panel.dataset.actUrl.replace("SID", encodeURIComponent(sid)).replace("ACTION", action);

  async function act(action, body = {}) {
    if (!call) return;
    try {
      const response = await fetch(actUrl(call.sid, action), {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify(body),
      });
      if (response.ok) draw((await response.json()).call);
    } catch { /* the next poll shows the state */ }
  }

  function played(index) {
    if (Number.isNaN(index) || reported.has(index)) return;
    reported.add(index);
    act("played", { index });
  }

  function describe(c) {
    if (c.status === "queued" || c.status === "ringing") return `Incoming call from ${c.from}`;
    if (c.status === "in-progress") {
      return c.picked_up_by === "machine"
        ? `Voicemail is taking a call from ${c.from}`
        : `On a call with ${c.from}`;
    }
    const length = c.duration === null ? "" : ` after ${c.duration} s`;
    return `Call from ${c.from} ended${length}: ${c.status}`;
  }

  function draw(c) {
    call = c;
    if (!c) {
      if (status.textContent !== "No call.") status.textContent = "No call.";
      ringing.hidden = true;
      live.hidden = true;
      return;
    }
    const text = describe(c);
    if (status.textContent !== text) status.textContent = text;
    // Focus inside a part about to hide moves on (to the keypad once answered, else to the
    // status), so a keyboard user is never left on the page's top.
    const hadFocus = [ringing, live].find((el) => el.contains(document.activeElement));
    ringing.hidden = !(c.status === "queued" || c.status === "ringing");
    const inCall = c.status === "in-progress" && c.picked_up_by === "human" && c.listening;
    live.hidden = !inCall;
    if (hadFocus && hadFocus.hidden) (inCall ? part("key-1") : status).focus();
    const pressed = c.keys ? `Keys pressed: ${c.keys}` : "";
    if (keys.textContent !== pressed) keys.textContent = pressed;
    if (!inCall) {
      if (!audio.paused) audio.pause();
      return;
    }
    const prompt = c.prompt;
    if (!prompt || playing === prompt.index) return;
    playing = prompt.index;
    caption.textContent =
      prompt.kind === "say" ? prompt.text : prompt.kind === "play" ? "(a recording plays)" : "";
    audio.dataset.prompt = String(prompt.index);
    if (prompt.audio) {
      audio.src = prompt.audio;
      audio.play().catch(() => { /* blocked autoplay: the controls let the patient press play */ });
    } else {
      audio.removeAttribute("src"); // a pause: nothing to hear, and the fake times it
    }
  }

  audio.addEventListener("ended", () => played(Number(audio.dataset.prompt)));
  audio.addEventListener("error", () => {
    // No audio (espeak-ng missing, recording unreachable): give the caption time to be read.
    const index = Number(audio.dataset.prompt);
    setTimeout(() => played(index), Math.max(1500, caption.textContent.length * 60));
  });

  panel.addEventListener("click", (event) => {
    const button = event.target.closest("button");
    if (!button || !panel.contains(button)) return;
    if (button.dataset.key) act("keys", { digits: button.dataset.key });
    else if (button.dataset.action) act(button.dataset.action);
  });
  part("call-speech").addEventListener("submit", (event) => {
    event.preventDefault();
    const words = part("call-words");
    if (words.value.trim()) act("speech", { text: words.value.trim() });
    words.value = "";
  });
  live.addEventListener("keydown", (event) => {
    // Typing a digit while the call has focus presses it, as on a phone's keypad.
    if (/^[0-9*#]$/.test(event.key) && !event.target.closest("input, textarea")) {
      event.preventDefault();
      act("keys", { digits: event.key });
    }
  });

  function drawElsewhere(ringingNow) {
    // Other phones ringing now: a link to each, so a call to another number is not missed.
    const wanted = ringingNow.map((r) => r.number).join(" ");
    if (elsewhere.dataset.numbers === wanted) return;
    elsewhere.dataset.numbers = wanted;
    elsewhere.replaceChildren(
      ...ringingNow.map((r) => {
        const item = document.createElement("li");
        const link = document.createElement("a");
        link.href = r.url;
        link.textContent = `${r.number} is ringing`;
        item.append(link);
        return item;
      }),
    );
  }

  async function poll() {
    try {
      const response = await fetch(panel.dataset.stateUrl, { cache: "no-store" });
      if (!response.ok) return;
      const state = await response.json();
      draw(state.call);
      drawElsewhere(state.elsewhere || []);
    } catch { /* try again on the next tick */ }
  }
  poll();
  setInterval(poll, 500);
})();
