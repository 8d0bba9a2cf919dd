// The content calendar: FullCalendar (npm "fullcalendar" standard bundle) fed by
// /publishing/calendar/events/. Times arrive as wall-clock times in the viewer's own zone, so the
// calendar runs in "UTC" mode and shows them unchanged; a dropped event is sent back the same way.
(function () {
  "use strict";
  const element = document.getElementById("calendar");
  if (!element || !window.FullCalendar) return;
  const filters = document.getElementById("calendar-filters");
  const status = document.getElementById("calendar-status");
  const csrf = JSON.parse(document.body.getAttribute("hx-headers") || "{}")["X-CSRFToken"];

  function say(message, level) {
    status.className = "alert alert-" + (level || "info") + " py-2";
    status.textContent = message;
    status.hidden = false;
  }

  function filterParams() {
    const params = {};
    new FormData(filters).forEach(function (value, key) { if (value) params[key] = value; });
    return params;
  }

  const calendar = new FullCalendar.Calendar(element, {
    timeZone: "UTC",
    initialView: element.dataset.initialView || "dayGridMonth",
    firstDay: 1,
    height: "auto",
    eventDisplay: "block",
    nowIndicator: true,
    headerToolbar: { left: "prev,next today", center: "title", right: "dayGridMonth,timeGridWeek,listWeek" },
    buttonText: { today: "Today", month: "Month", week: "Week", list: "List" },
    eventTimeFormat: { hour: "2-digit", minute: "2-digit", hour12: false },
    slotLabelFormat: { hour: "2-digit", minute: "2-digit", hour12: false },
    // Week and list views name each day; the month grid's header is only the weekdays.
    dayHeaderFormat: { weekday: "short", day: "numeric", month: "short", omitCommas: true },
    views: { dayGridMonth: { dayHeaderFormat: { weekday: "short" } } },
    events: { url: element.dataset.eventsUrl, extraParams: filterParams },
    eventDidMount: function (info) {
      const p = info.event.extendedProps;
      info.el.setAttribute("title", info.event.title + " — " + p.state + " (" + p.department + ")");
      info.el.setAttribute("data-state", p.state);
    },
    eventDrop: function (info) {
      const body = new URLSearchParams({ post: info.event.extendedProps.post, start: info.event.startStr });
      fetch(element.dataset.moveUrl, {
        method: "POST",
        headers: { "X-CSRFToken": csrf, "Content-Type": "application/x-www-form-urlencoded" },
        body: body,
        credentials: "same-origin",
      })
        .then(function (response) { return response.json().then(function (data) { return { ok: response.ok, data: data }; }); })
        .then(function (result) {
          if (result.ok) { say(result.data.message, "success"); calendar.refetchEvents(); }
          else { info.revert(); say(result.data.error.message, "danger"); }
        })
        .catch(function () { info.revert(); say("The move could not be saved; try again.", "danger"); });
    },
  });
  calendar.render();
  filters.addEventListener("change", function () { calendar.refetchEvents(); });
})();
