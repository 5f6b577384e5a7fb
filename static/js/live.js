// The live client: one WebSocket per page, the server's state drawn on screen.
//
// - The server owns the deadline; this file never counts ticks. It estimates
//   its clock offset from the server NTP-style over the socket and redraws
//   the countdown from deadline - (Date.now() + offset).
// - Reconnects on any close it did not ask for (jittered backoff, at most
//   ~5 s), at once when the page becomes visible or the network returns; the
//   server answers every (re)connect with a full snapshot.
// - Pushes carry HTML fragments rendered by the server from the same
//   partials as the page; they are swapped in by element id.
// Protocol: docs/architecture.md.
(function () {
  "use strict";

  var root = document.querySelector("[data-socket]");
  if (!root) return;

  var socket = null;
  var version = parseInt(root.dataset.version, 10) || 0;
  var drawnVersion = version; // the version of the fragments on screen (a state frame comes ahead of them)
  var phase = root.dataset.phase;
  var offset = 0; // server clock minus this clock, in ms
  var samples = []; // {rtt, offset}, the lowest round trip wins
  var retries = 0;
  var failedOpens = 0; // closes before the socket ever opened: down, or refused
  var retryTimer = null;
  var openTimer = null;
  var pingTimer = null;
  var lastMessageAt = 0;
  var wakeLock = null;

  var SAMPLE_COUNT = 5;
  var PING_EVERY = 10000;
  var SILENCE_LIMIT = 25000; // no message for this long: the socket is dead
  var OPEN_TIMEOUT = 5000; // a handshake that takes longer is given up and retried

  // --- connection state ------------------------------------------------------

  function setConnection(state) {
    document.querySelectorAll("[data-testid=connection]").forEach(function (el) {
      el.dataset.state = state;
      var label = el.querySelector(".connection-label");
      if (label) label.textContent = el.dataset["label" + state.charAt(0).toUpperCase() + state.slice(1)];
    });
  }

  function socketUrl() {
    var scheme = location.protocol === "https:" ? "wss://" : "ws://";
    return scheme + location.host + root.dataset.socket;
  }

  function connect() {
    clearTimeout(retryTimer);
    if (socket && (socket.readyState === WebSocket.OPEN || socket.readyState === WebSocket.CONNECTING)) return;
    var ws = new WebSocket(socketUrl());
    var opened = false;
    socket = ws;
    clearTimeout(openTimer);
    openTimer = setTimeout(function () {
      if (socket === ws && !opened) ws.close();
    }, OPEN_TIMEOUT);
    ws.onopen = function () {
      opened = true;
      clearTimeout(openTimer);
      retries = 0;
      failedOpens = 0;
      // The samples of the last socket stay: a reconnect does not move this clock, and a
      // server busy with many reconnecting phones answers late, which only raises round trips.
      lastMessageAt = Date.now();
      setConnection("online");
      sendOutbox();
      // No hello needed here: the server sends a snapshot on every accept.
      for (var i = 0; i < SAMPLE_COUNT; i++) setTimeout(ping, i * 150);
      clearInterval(pingTimer);
      pingTimer = setInterval(heartbeat, PING_EVERY);
    };
    ws.onmessage = function (event) {
      lastMessageAt = Date.now();
      setConnection("online");
      var message = JSON.parse(event.data);
      if (message.type === "pong") onPong(message);
      else onState(message);
    };
    ws.onclose = function (event) {
      if (socket !== ws) return; // an old socket we replaced
      clearInterval(pingTimer);
      clearTimeout(openTimer);
      socket = null;
      if (!opened) failedOpens++;
      // Refused three times in a row: gone for good, or a busy server? Ask the page, now and
      // then (not on every retry: after a restart the server has enough to do).
      if (event.code === 4403 || failedOpens === 3 || failedOpens % 10 === 0) checkAccess();
      scheduleReconnect();
    };
  }

  // Refused, or the server is down? The page itself tells: when it no longer
  // answers 200 (access gone, meeting ended, logged out) reload it to show why.
  function checkAccess() {
    fetch(location.href, { redirect: "manual", cache: "no-store" }).then(function (response) {
      if (response.status !== 200) location.reload();
    }).catch(function () { /* the server is down: keep trying */ });
  }

  function scheduleReconnect() {
    setConnection(navigator.onLine === false ? "offline" : "reconnecting");
    var delay = Math.min(5000, 250 * Math.pow(2, retries++));
    retryTimer = setTimeout(connect, delay * (0.5 + Math.random() / 2));
  }

  // Make sure the screen is current: ask for a snapshot if behind, reconnect if closed.
  function refresh(resyncClock) {
    if (resyncClock) samples = []; // back from sleep: this clock may have been set meanwhile
    if (socket && socket.readyState === WebSocket.OPEN) {
      send({ type: "hello", version: drawnVersion }); // behind only in its state: a snapshot still comes
      if (resyncClock) {
        for (var i = 0; i < SAMPLE_COUNT; i++) setTimeout(ping, i * 150);
      }
      return;
    }
    retries = 0;
    connect();
  }

  function send(message) {
    if (socket && socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify(message));
  }

  function heartbeat() {
    if (Date.now() - lastMessageAt > SILENCE_LIMIT && socket) {
      var dead = socket;
      socket = null;
      dead.close();
      scheduleReconnect();
      return;
    }
    ping();
  }

  // --- clock offset ------------------------------------------------------------

  function ping() {
    send({ type: "ping", t0: Date.now() });
  }

  function onPong(message) {
    if (typeof message.t0 !== "number") return;
    var t3 = Date.now();
    var rtt = t3 - message.t0 - (message.t2 - message.t1);
    samples.push({ rtt: rtt, offset: (message.t1 - message.t0 + (message.t2 - t3)) / 2 });
    if (samples.length > 8) samples.shift();
    var best = samples.reduce(function (a, b) { return b.rtt < a.rtt ? b : a; });
    offset = best.offset;
    root.dataset.clockOffset = Math.round(offset);
    drawCountdowns();
  }

  // --- state ---------------------------------------------------------------------

  function onState(message) {
    if (!samples.length && message.server_time) {
      // Until the first clock ping returns, the frame's server time is the best estimate.
      offset = message.server_time - Date.now();
    }
    if (message.version < version) return; // an older push overtaken by a snapshot
    version = message.version;
    root.dataset.version = version;
    if (message.type === "state") {
      drawState(message);
      holdStaleControls(version);
    } else drawnVersion = version;
    Object.keys(message.html || {}).forEach(function (id) {
      var target = document.getElementById(id);
      if (!target) return;
      var focused = target.contains(document.activeElement) ? document.activeElement : null;
      var checked = [];
      target.querySelectorAll("form[data-keep] input:checked").forEach(function (field) {
        checked.push(field.id);
      });
      var picked = pickedInLists(target);
      target.innerHTML = message.html[id];
      if (window.htmx) window.htmx.process(target);
      // What someone was typing or ticking survives the redraw (a timer change, another's push).
      restoreDrafts(target);
      checked.forEach(function (fieldId) {
        var field = document.getElementById(fieldId);
        if (field && target.contains(field)) field.checked = true;
      });
      pickAgain(target, picked);
      markMine(target);
      showOutbox();
      showKept();
      if (focused) {
        var again = focused.id ? document.getElementById(focused.id)
          : focused.dataset && focused.dataset.testid ? target.querySelector('[data-testid="' + focused.dataset.testid + '"]') : null;
        if (again) again.focus();
      }
    });
    learnShortcuts();
    runPendingShortcut();
    if (message.phase !== phase) {
      phase = message.phase;
      root.dataset.phase = phase;
      announce(message.announce);
    }
    keepAwake(phase !== "lobby" && phase !== "closed");
    drawCountdowns();
  }

  // A command's state arrives ahead of its fragments: show the phase and the
  // countdown now; the fragments that follow redraw the rest.
  function drawState(message) {
    document.querySelectorAll("[data-testid=phase]").forEach(function (el) { el.dataset.phase = message.phase; });
    var heading = document.getElementById("phase-name");
    if (heading) heading.textContent = message.name;
    document.querySelectorAll("[data-testid=countdown]").forEach(function (el) {
      el.dataset.deadline = message.deadline === null ? "" : message.deadline;
      el.dataset.paused = message.paused ? "true" : "false";
      el.dataset.remaining = message.remaining === null ? "" : message.remaining;
      el.dataset.total = message.allotted === null ? "" : message.allotted;
      el.classList.toggle("is-paused", message.paused);
    });
  }

  // A choice made in a list but not yet sent with its button survives a redraw (a snapshot
  // after a reconnect, another's push): it changes nothing until pressed, and is not undone.
  function pickedInLists(scope) {
    var picked = {};
    scope.querySelectorAll("select[id]").forEach(function (select) {
      var drawn = Array.prototype.filter.call(select.options, function (option) { return option.defaultSelected; })[0] || select.options[0];
      if (drawn && select.value !== drawn.value) picked[select.id] = select.value;
    });
    return picked;
  }

  function pickAgain(scope, picked) {
    Object.keys(picked).forEach(function (selectId) {
      var select = document.getElementById(selectId);
      if (!select || !scope.contains(select)) return;
      var still = Array.prototype.some.call(select.options, function (option) { return option.value === picked[selectId]; });
      if (still) select.value = picked[selectId];
    });
  }

  // A control drawn at an older version would be refused as stale: it waits, disabled, for the
  // fragments of the new version (they replace it), so a second press never acts twice.
  function holdStaleControls(current) {
    document.querySelectorAll('form input[name="version"]').forEach(function (input) {
      if (parseInt(input.value, 10) >= current) return;
      input.form.querySelectorAll("button, select").forEach(function (control) {
        control.disabled = true;
        control.dataset.held = "true";
      });
    });
  }

  // Pushed HTML is the same for every member; what concerns this person (their
  // vote, their turn, their evaluation) is marked here, by their id.
  function markMine(scope) {
    var me = root.dataset.person;
    if (!me) return;
    scope.querySelectorAll("[data-people]").forEach(function (element) {
      var mine = element.dataset.people.split(",").indexOf(me) !== -1;
      var when = element.dataset.whenMine;
      if (when === "show") element.hidden = !mine;
      else if (when === "hide") element.hidden = mine;
      else if (when === "mark") element.classList.toggle("mine", mine);
    });
  }

  function announce(text) {
    var announcer = document.getElementById("announcer");
    if (announcer && text) announcer.textContent = text;
    buzz(200);
  }

  // Browsers refuse a vibration (and say so on the console) before the person has touched the page.
  function buzz(pattern) {
    if (!navigator.vibrate || (navigator.userActivation && !navigator.userActivation.hasBeenActive)) return;
    try { navigator.vibrate(pattern); } catch (e) { /* not allowed here */ }
  }

  // --- countdown -------------------------------------------------------------------

  function format(ms) {
    var seconds = ms >= 0 ? Math.ceil(ms / 1000) : Math.floor(ms / 1000);
    var whole = Math.abs(seconds);
    var rest = whole % 60;
    return (seconds < 0 ? "-" : "") + Math.floor(whole / 60) + ":" + (rest < 10 ? "0" : "") + rest;
  }

  // The facilitator away (their laptop failed): said after a short while (a reload is not
  // "away"), and after take-after any member may take the controls.
  var AWAY_NOTICE_AFTER = 10000;

  function drawAway() {
    document.querySelectorAll("[data-away-since]").forEach(function (el) {
      var away = Date.now() + offset - parseInt(el.dataset.awaySince, 10);
      el.hidden = away < AWAY_NOTICE_AFTER;
      var take = el.querySelector("[data-take-over]");
      if (take) take.hidden = away < parseInt(el.dataset.takeAfter, 10);
    });
  }

  // Milliseconds left on a countdown (negative when overrun), or null when no timer runs.
  function remainingOf(el) {
    if (el.dataset.paused === "true" && el.dataset.remaining !== "") return parseInt(el.dataset.remaining, 10);
    if (el.dataset.deadline) return parseInt(el.dataset.deadline, 10) - (Date.now() + offset);
    return null;
  }

  function drawCountdowns() {
    drawAway();
    document.querySelectorAll("[data-testid=countdown]").forEach(function (el) {
      var remaining = remainingOf(el);
      if (remaining === null) return;
      watchDeadline(el, remaining);
      var text = format(remaining);
      if (el.textContent !== text) el.textContent = text;
      var total = parseInt(el.dataset.total, 10);
      var level = remaining < 0 ? "overrun" : total && remaining <= total * 0.05 ? "critical" : total && remaining <= total * 0.2 ? "warning" : "";
      if (el.dataset.level !== level) el.dataset.level = level;
    });
    drawMeetingClock();
    drawSound();
  }

  // --- time's up: chime, vibration, flash ----------------------------------------------
  // When a countdown crosses 0:00 while the page is open (it was seen above zero for this
  // deadline, and is at most SIGNAL_WINDOW past it), once per deadline and never while paused:
  // the facilitator's laptop and the presenter screen chime (unless muted), phones vibrate,
  // and the countdown flashes on every screen. A reload, reconnect or snapshot after the
  // deadline signals nothing: the countdown was not seen above zero then.
  // Browsers allow sound only after a click or key press on the page: the first one creates
  // the AudioContext; until then a chime is counted (data-chimes) but silent.

  var SIGNAL_WINDOW = 5000;
  var FLASH_FOR = 4000;
  var MUTED = "intervisie-chime-muted"; // per browser: the laptop and its presenter tab share it
  var CHIMES = document.body.classList.contains("facilitator") || document.body.classList.contains("presenter");
  var VIBRATES = document.body.classList.contains("participant");
  var armed = null; // a deadline seen with time left: crossing it signals
  var signalled = null; // the last deadline signalled
  var flashUntil = 0;
  var audio = null;

  function watchDeadline(el, remaining) {
    var deadline = el.dataset.paused === "true" ? "" : el.dataset.deadline;
    if (deadline && remaining > 0) armed = deadline;
    else if (deadline && deadline === armed && remaining > -SIGNAL_WINDOW) {
      armed = null;
      signalled = deadline;
      timeUp();
    }
    if (signalled && el.dataset.deadline === signalled) el.dataset.signalled = "true";
    else if (el.dataset.signalled) delete el.dataset.signalled;
    el.classList.toggle("time-up", Date.now() < flashUntil);
  }

  function timeUp() {
    flashUntil = Date.now() + FLASH_FOR;
    if (VIBRATES) buzz([300, 150, 300]);
    if (CHIMES && !muted()) chime();
  }

  function muted() {
    try { return localStorage.getItem(MUTED) === "1"; } catch (e) { return false; }
  }

  // Two soft tones, generated: no audio file to load.
  function chime() {
    root.dataset.chimes = (parseInt(root.dataset.chimes, 10) || 0) + 1;
    if (!audio || audio.state !== "running") return; // no click or key press yet: silent
    try {
      [880, 660].forEach(function (frequency, i) {
        var start = audio.currentTime + i * 0.35;
        var tone = audio.createOscillator();
        var volume = audio.createGain();
        tone.type = "sine";
        tone.frequency.value = frequency;
        volume.gain.setValueAtTime(0.0001, start);
        volume.gain.exponentialRampToValueAtTime(0.3, start + 0.02);
        volume.gain.exponentialRampToValueAtTime(0.0001, start + 0.6);
        tone.connect(volume).connect(audio.destination);
        tone.start(start);
        tone.stop(start + 0.65);
      });
    } catch (e) { /* no sound, then: the flash still shows */ }
  }

  function unlockAudio() {
    if (!CHIMES) return;
    try {
      var Context = window.AudioContext || window.webkitAudioContext;
      if (!audio && Context) audio = new Context();
      if (audio && audio.state === "suspended") audio.resume().then(drawSound, function () { /* still locked */ });
    } catch (e) { /* no Web Audio here */ }
    drawSound();
  }

  // The mute toggle (facilitator) and the presenter's hint that sound waits for a click.
  function drawSound() {
    var off = muted();
    document.querySelectorAll("#mute-chime").forEach(function (button) {
      var pressed = off ? "true" : "false";
      if (button.getAttribute("aria-pressed") !== pressed) button.setAttribute("aria-pressed", pressed);
    });
    if (!CHIMES) return;
    var sound = off ? "muted" : audio && audio.state === "running" ? "on" : "locked";
    if (root.dataset.sound !== sound) root.dataset.sound = sound;
    var hint = document.getElementById("audio-hint");
    if (hint) hint.hidden = sound !== "locked" || phase === "closed";
  }

  document.addEventListener("click", function (event) {
    if (!event.target.closest || !event.target.closest("#mute-chime")) return;
    try {
      if (muted()) localStorage.removeItem(MUTED);
      else localStorage.setItem(MUTED, "1");
    } catch (e) { /* private mode: the chime stays as it was */ }
    drawSound();
  });
  document.addEventListener("pointerdown", unlockAudio, true);
  document.addEventListener("keydown", unlockAudio, true);
  window.addEventListener("storage", function (event) { if (event.key === MUTED) drawSound(); });

  // --- meeting clock (facilitator) --------------------------------------------------------
  // The planned end against the projected end: the current phase's deadline (now + what is
  // left while paused; now once overrun) plus the planned minutes of this round's phases
  // after it. Drawn from the data attributes the server renders and the countdown's, with the
  // same clock offset; it moves as time passes (while paused, or overrun), without server ticks.

  var clockFormat = null;

  function formatTime(ms, timeZone) {
    if (!clockFormat) {
      var options = { hour: "2-digit", minute: "2-digit", hourCycle: "h23" };
      try {
        clockFormat = new Intl.DateTimeFormat(document.documentElement.lang || undefined, Object.assign({ timeZone: timeZone }, options));
      } catch (e) {
        clockFormat = new Intl.DateTimeFormat(undefined, options); // an unknown time zone: this device's
      }
    }
    return clockFormat.format(new Date(ms));
  }

  function toMinute(ms) {
    return Math.round(ms / 60000) * 60000;
  }

  function drawText(el, text) {
    if (el && el.textContent !== text) el.textContent = text;
  }

  function drawMeetingClock() {
    var clock = document.getElementById("meeting-clock");
    var projected = clock && clock.querySelector("[data-testid=projected-end]");
    var status = clock && clock.querySelector("[data-testid=schedule-status]");
    var countdown = document.querySelector("[data-testid=countdown]");
    var remaining = countdown ? remainingOf(countdown) : null;
    if (!projected || !status || remaining === null) return;
    // Both ends to the minute, the difference between what is shown.
    var end = toMinute(Date.now() + offset + Math.max(0, remaining) + (parseInt(clock.dataset.restMs, 10) || 0));
    var planned = toMinute(parseInt(clock.dataset.plannedEnd, 10));
    var minutes = Math.round((end - planned) / 60000);
    drawText(projected, formatTime(end, clock.dataset.timeZone));
    drawText(clock.querySelector("[data-testid=planned-end]"), formatTime(planned, clock.dataset.timeZone));
    var state = minutes > 0 ? "late" : minutes < 0 ? "early" : "onTime";
    drawText(status, clock.dataset[state].replace("{n}", Math.abs(minutes)));
    if (status.dataset.state !== state) status.dataset.state = state;
    if (status.dataset.minutes !== String(minutes)) status.dataset.minutes = minutes;
  }

  // --- screen wake lock ----------------------------------------------------------------

  function keepAwake(wanted) {
    if (!("wakeLock" in navigator)) return;
    if (wanted && !wakeLock && document.visibilityState === "visible") {
      navigator.wakeLock.request("screen").then(function (lock) {
        wakeLock = lock;
        lock.addEventListener("release", function () { wakeLock = null; });
      }).catch(function () { /* refused: battery saver, or no permission */ });
    } else if (!wanted && wakeLock) {
      wakeLock.release();
    }
  }

  // --- keyboard shortcuts (facilitator) -----------------------------------------------

  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    var tag = (event.target.tagName || "").toLowerCase();
    if (tag === "input" || tag === "textarea" || tag === "select" || event.target.isContentEditable) return;
    var key = event.key === "ArrowRight" ? "n" : event.key === "ArrowLeft" ? "b" : event.key.toLowerCase();
    var button = shortcutButton(key);
    // A command's state is here but not yet its buttons (held, or not drawn yet): the key
    // is pressed on the new ones when they arrive.
    var waiting = drawnVersion < version || (button && button.dataset.held);
    if (button && !button.disabled && !waiting) {
      event.preventDefault();
      button.click();
    } else if (waiting && (button || (hasShortcuts && key.length === 1))) {
      event.preventDefault();
      pendingShortcut = { key: key, until: Date.now() + PENDING_SHORTCUT_FOR };
    }
  });

  var pendingShortcut = null;
  var PENDING_SHORTCUT_FOR = 3000;
  var hasShortcuts = false; // the facilitator's page: the next fragments may bring the key's button

  function learnShortcuts() {
    hasShortcuts = hasShortcuts || !!document.querySelector("button[data-shortcut]");
  }

  function shortcutButton(key) {
    var matching = Array.prototype.filter.call(document.querySelectorAll("button[data-shortcut]"), function (button) {
      return button.dataset.shortcut === key;
    });
    return matching.filter(function (button) { return !button.disabled; })[0] || matching[0] || null;
  }

  function runPendingShortcut() {
    if (!pendingShortcut) return;
    var pending = pendingShortcut;
    var button = shortcutButton(pending.key);
    if (Date.now() > pending.until) {
      pendingShortcut = null;
      return;
    }
    if (!button || button.dataset.held || drawnVersion < version) return; // not yet: the fragments follow
    pendingShortcut = null;
    if (!button.disabled) button.click();
  }

  // A command answered 204 is drawn by its push; without a socket, reconnect for a snapshot.
  document.addEventListener("htmx:afterRequest", function (event) {
    var status = event.detail.xhr && event.detail.xhr.status;
    var form = event.detail.elt;
    if (form && form.tagName === "FORM" && form.matches("form[data-kind], form[data-keep]")) {
      if (status >= 200 && status < 300) forgetDrafts(form); // sent: its text is the group's now
      else if (status === 400 || status === 409) keepDrafts(form); // refused: shown with the reason, kept
    }
    if (form && form.tagName === "FORM" && form.getAttribute("hx-swap") === "none") {
      showRefusal(form, status === 400 || status === 409 ? event.detail.xhr.responseText : "");
    }
    if (status === 204 && !(socket && socket.readyState === WebSocket.OPEN)) refresh(false);
    showError(status >= 400 && status !== 409 && status !== 400 ? "server" : null);
  });
  document.addEventListener("htmx:sendError", function (event) {
    if (!keepForLater(event.detail.elt)) showError("network");
  });

  // --- contributions written without a connection ---------------------------------------
  // A text sent while offline waits in localStorage (per person and meeting) and goes out
  // when the connection returns; its client_key makes the server store it once, however
  // often it arrives. The form is emptied for the next text; waiting texts are listed under it.

  var OUTBOX = "intervisie-outbox:" + (root.dataset.person || "") + ":" + root.dataset.socket;
  var sending = false;

  function outbox() {
    try { return JSON.parse(localStorage.getItem(OUTBOX) || "[]"); } catch (e) { return []; }
  }

  function saveOutbox(items) {
    try { localStorage.setItem(OUTBOX, JSON.stringify(items)); } catch (e) { /* private mode: best effort */ }
    showOutbox();
  }

  function dropFromOutbox(key) {
    saveOutbox(outbox().filter(function (item) { return item.data.client_key !== key; }));
  }

  function newKey() {
    return Date.now().toString(36) + "-" + Math.random().toString(36).slice(2, 12);
  }

  function isContributeForm(element) {
    return element && element.matches && element.matches('form[data-testid="contribute"]');
  }

  // Waiting texts under their form (after every redraw too).
  function showOutbox() {
    document.querySelectorAll('form[data-testid="contribute"]').forEach(function (form) {
      var waiting = outbox().filter(function (item) { return item.data.kind === form.kind.value; });
      var note = form.querySelector("[data-testid=offline-note]");
      var list = form.querySelector("[data-testid=outbox]");
      if (!note || !list) return;
      note.hidden = !waiting.length;
      list.replaceChildren.apply(list, waiting.map(function (item) {
        var entry = document.createElement("li");
        entry.textContent = item.data.text;
        return entry;
      }));
    });
  }

  document.addEventListener("htmx:configRequest", function (event) {
    var form = event.detail.elt;
    if (!isContributeForm(form)) return;
    if (!form.client_key.value) form.client_key.value = newKey();
    event.detail.parameters.client_key = form.client_key.value;
  });

  function keepForLater(form) {
    if (!isContributeForm(form) || !form.text.value.trim()) return false;
    var items = outbox();
    items.push({
      url: form.getAttribute("hx-post"),
      data: { kind: form.kind.value, text: form.text.value, client_key: form.client_key.value },
    });
    saveOutbox(items);
    form.text.value = "";
    form.client_key.value = "";
    forgetDrafts(form);
    return true;
  }

  function csrfToken() {
    try { return JSON.parse(document.body.getAttribute("hx-headers"))["X-CSRFToken"]; } catch (e) { return ""; }
  }

  // Refused for good (the phase moved on, the case changed): kept, with the server's reason.
  function refused(item, html) {
    var reason = new DOMParser().parseFromString(html, "text/html").querySelector(".error");
    var kept = load(KEPT, []);
    kept.push({ key: item.data.client_key, kind: item.data.kind, text: item.data.text, reason: reason ? reason.textContent : "" });
    store(KEPT, kept);
    showKept();
  }

  // One at a time, oldest first: the group sees the texts in the order they were written.
  function sendOutbox() {
    if (sending) return;
    var item = outbox()[0];
    if (!item) return;
    sending = true;
    fetch(item.url, {
      method: "POST",
      credentials: "same-origin",
      redirect: "manual", // a login page is not "sent"
      headers: { "X-CSRFToken": csrfToken(), "HX-Request": "true" },
      body: new URLSearchParams(item.data),
    }).then(function (response) {
      sending = false;
      if (response.ok) {
        dropFromOutbox(item.data.client_key);
        sendOutbox();
      } else if (response.status === 400 || response.status === 409) { // refused for good: kept, with why
        response.text().then(function (html) {
          refused(item, html);
          dropFromOutbox(item.data.client_key);
          sendOutbox();
        });
      } // a redirect, 403, 429 or 5xx: kept, tried again on the next reconnect
    }).catch(function () { sending = false; /* still offline */ });
  }

  document.addEventListener("submit", function (event) {
    // Logging out on a shared phone: what waits belongs to this person, not the next.
    if (event.target.matches && event.target.matches("form.logout")) {
      [OUTBOX, DRAFTS, KEPT].forEach(function (name) {
        try { localStorage.removeItem(name); } catch (e) { /* nothing to clear */ }
      });
    }
  }, true);

  // --- nothing typed is lost ----------------------------------------------------------------
  // What a person types in a live text field is kept in localStorage (per person and meeting)
  // until it is sent or discarded: it survives pushes, phase changes, reconnects and reloads.
  // A text whose field is gone (the phase moved on) or that the server refused is listed in
  // full under "Niet verstuurd", with the reason, to put back in a form or to throw away.

  var DRAFTS = "intervisie-drafts:" + (root.dataset.person || "") + ":" + root.dataset.socket;
  var KEPT = "intervisie-kept:" + (root.dataset.person || "") + ":" + root.dataset.socket;
  var TEXT_FIELDS = "form[data-kind] textarea, form[data-keep] textarea";

  function load(name, empty) {
    try { return JSON.parse(localStorage.getItem(name)) || empty; } catch (e) { return empty; }
  }

  function store(name, value) {
    try { localStorage.setItem(name, JSON.stringify(value)); } catch (e) { /* private mode: best effort */ }
  }

  function labelOf(field) {
    var label = field.id && document.querySelector('label[for="' + field.id + '"]');
    return label ? label.textContent.trim() : "";
  }

  function saveDraft(field, force) {
    if (!field.id) return;
    var drafts = load(DRAFTS, {});
    if (field.value.trim() && (force || field.value !== field.defaultValue)) {
      drafts[field.id] = { text: field.value, label: labelOf(field), kind: field.form.dataset.kind || "" };
    } else {
      delete drafts[field.id];
    }
    store(DRAFTS, drafts);
  }

  function forgetDrafts(form) {
    var drafts = load(DRAFTS, {});
    form.querySelectorAll("textarea").forEach(function (field) { delete drafts[field.id]; });
    store(DRAFTS, drafts);
  }

  function keepDrafts(form) {
    form.querySelectorAll("textarea").forEach(function (field) { saveDraft(field, true); });
  }

  // A draft goes back into its field whenever the field is on screen again.
  function restoreDrafts(scope) {
    var drafts = load(DRAFTS, {});
    Object.keys(drafts).forEach(function (fieldId) {
      var field = document.getElementById(fieldId);
      if (field && scope.contains(field) && field.value !== drafts[fieldId].text) field.value = drafts[fieldId].text;
    });
  }

  document.addEventListener("input", function (event) {
    if (event.target.matches && event.target.matches(TEXT_FIELDS)) saveDraft(event.target, false);
  });

  function contributeFields() {
    return Array.prototype.slice.call(document.querySelectorAll('form[data-testid="contribute"][data-kind] textarea'));
  }

  // Texts not on screen: drafts whose field is gone, and texts the server refused.
  function showKept() {
    var panel = document.getElementById("kept-texts");
    if (!panel) return;
    var drafts = load(DRAFTS, {});
    var entries = Object.keys(drafts).filter(function (fieldId) { return !document.getElementById(fieldId); })
      .map(function (fieldId) {
        var draft = drafts[fieldId];
        return { id: "draft:" + fieldId, kind: draft.kind, label: draft.label, text: draft.text, reason: panel.dataset.notOnScreen };
      })
      .concat(load(KEPT, []).map(function (item) {
        return { id: "kept:" + item.key, kind: item.kind, label: "", text: item.text, reason: item.reason };
      }));
    var fields = contributeFields();
    var list = panel.querySelector("ul");
    list.replaceChildren.apply(list, entries.map(function (entry) {
      var row = document.createElement("li");
      row.dataset.testid = "kept-text";
      var text = document.createElement("p");
      text.className = "kept-text";
      text.textContent = entry.text;
      var reason = document.createElement("p");
      reason.className = "muted small";
      reason.textContent = (entry.label ? entry.label + " · " : "") + entry.reason;
      var actions = document.createElement("div");
      actions.className = "kept-actions";
      if (fields.length) actions.appendChild(keptButton(panel.dataset.use, "use-kept", function () { useKept(entry, fields); }));
      actions.appendChild(keptButton(panel.dataset.discard, "discard-kept", function () { dropKept(entry); }));
      row.append(text, reason, actions);
      return row;
    }));
    panel.hidden = !entries.length;
  }

  function keptButton(label, testid, action) {
    var button = document.createElement("button");
    button.type = "button";
    button.textContent = label;
    button.dataset.testid = testid;
    button.addEventListener("click", action);
    return button;
  }

  function dropKept(entry) {
    if (entry.id.indexOf("draft:") === 0) {
      var drafts = load(DRAFTS, {});
      delete drafts[entry.id.slice(6)];
      store(DRAFTS, drafts);
    } else {
      store(KEPT, load(KEPT, []).filter(function (item) { return "kept:" + item.key !== entry.id; }));
    }
    showKept();
  }

  // Back into a form on screen (of the same kind if there is one), to edit and send where it fits.
  function useKept(entry, fields) {
    var field = fields.filter(function (f) { return f.form.dataset.kind === entry.kind; })[0] || fields[0];
    field.value = field.value.trim() ? field.value + "\n" + entry.text : entry.text;
    saveDraft(field, false);
    dropKept(entry);
    field.focus();
  }

  // A refusal with nowhere to be swapped in (hx-swap="none": a vote, a mark) is said next to
  // the control that asked, in the words of the server.
  function showRefusal(form, text) {
    var note = form.querySelector(".refusal");
    var reason = new DOMParser().parseFromString(text, "text/html").body.textContent.trim();
    if (!reason) {
      if (note) note.remove();
      return;
    }
    if (!note) {
      note = document.createElement("p");
      note.className = "error refusal";
      note.setAttribute("role", "alert");
      note.dataset.testid = "refusal";
      form.appendChild(note);
    }
    note.textContent = reason;
  }

  function showError(kind) {
    var box = document.getElementById("live-error");
    if (!box) return;
    box.hidden = !kind;
    if (kind) box.textContent = box.dataset[kind];
  }

  // --- start -------------------------------------------------------------------------------

  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "visible") {
      refresh(true);
      keepAwake(phase !== "lobby" && phase !== "closed");
    }
  });
  window.addEventListener("online", function () { sendOutbox(); refresh(true); });
  window.addEventListener("offline", function () { setConnection("offline"); });
  window.addEventListener("pagehide", function () {
    if (socket) { var s = socket; socket = null; s.close(); }
  });
  window.addEventListener("pageshow", function (event) {
    if (event.persisted) refresh(true); // back from the browser's page cache
  });

  document.addEventListener("htmx:afterSwap", function (event) { markMine(event.target); });

  setInterval(drawCountdowns, 200);
  drawCountdowns();
  markMine(root);
  learnShortcuts();
  restoreDrafts(root);
  showOutbox();
  showKept();
  connect();
})();
