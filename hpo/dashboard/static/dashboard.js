// The hpo dashboard's pages: plots from the server's plotly JSON, and live updates by polling.
// Every text from the server is set with textContent, never as HTML.
(function () {
  "use strict";

  var configElement = document.getElementById("hpo-config");
  var config = configElement ? JSON.parse(configElement.textContent) : {};
  var POLL_MS = 1000;

  function getJSON(url) {
    return fetch(url, { headers: { Accept: "application/json" } }).then(function (response) {
      return response.json().then(function (body) {
        if (!response.ok) {
          throw new Error(body && body.error ? body.error : "HTTP " + response.status);
        }
        return body;
      });
    });
  }

  function format(value) {
    if (value === null || value === undefined) return "—";
    if (typeof value === "number") return Number.isInteger(value) ? String(value) : value.toPrecision(6).replace(/\.?0+$/, "");
    if (Array.isArray(value)) return value.map(format).join(", ");
    return String(value);
  }

  function seconds(value) {
    if (value === null || value === undefined) return "—";
    if (value < 60) return value.toFixed(1) + " s";
    if (value < 3600) return (value / 60).toFixed(1) + " min";
    return (value / 3600).toFixed(1) + " h";
  }

  function setText(id, value) {
    var element = document.getElementById(id);
    if (element) element.textContent = value;
  }

  function cell(row, value, href) {
    var td = document.createElement("td");
    if (href) {
      var a = document.createElement("a");
      a.href = href;
      a.textContent = value;
      td.appendChild(a);
    } else {
      td.textContent = value;
    }
    row.appendChild(td);
    return td;
  }

  function fillBody(tableId, rows, build) {
    var table = document.getElementById(tableId);
    if (!table) return;
    var body = document.createElement("tbody");
    rows.forEach(function (item) {
      var row = document.createElement("tr");
      build(row, item);
      body.appendChild(row);
    });
    table.replaceChild(body, table.tBodies[0]);
  }

  function markLive(ok) {
    var live = document.getElementById("live");
    if (!live) return;
    live.textContent = ok ? "live · " + new Date().toLocaleTimeString() : "offline";
    live.className = ok ? "live" : "live offline";
  }

  function later(ms) {
    return new Promise(function (resolve) { setTimeout(resolve, ms); });
  }

  // -- studies page -------------------------------------------------------------------------
  function studiesPage() {
    function poll() {
      return getJSON("/api/studies").then(function (body) {
        body.studies.forEach(function (study) {
          var row = document.querySelector('tr[data-study-id="' + study.study_id + '"]');
          if (!row) return;
          row.querySelector(".n-trials").textContent = study.n_trials;
          Object.keys(study.counts).forEach(function (state) {
            var td = row.querySelector(".c-" + state);
            if (td) td.textContent = study.counts[state];
          });
          row.querySelector(".best").textContent = format(study.best_value);
          row.querySelector(".activity").textContent = study.last_activity || "—";
        });
        markLive(true);
      }, function () { markLive(false); });
    }
    (function loop() { poll().then(function () { setTimeout(loop, 2000); }); })();
  }

  // -- plots --------------------------------------------------------------------------------
  function showNotes(kind, notes) {
    var list = document.getElementById("notes-" + kind);
    if (!list) return;
    list.textContent = "";
    notes.forEach(function (note) {
      var item = document.createElement("li");
      item.textContent = note;
      list.appendChild(item);
    });
  }

  // plotly.js loads asynchronously, while the first figure is fetched from the server.
  function plotlyReady() {
    return new Promise(function (resolve, reject) {
      if (window.Plotly) { resolve(); return; }
      var script = document.getElementById("plotly-script");
      if (!script) { reject(new Error("plotly.js is not on this page")); return; }
      script.addEventListener("load", function () { resolve(); });
      script.addEventListener("error", function () { reject(new Error("plotly.js did not load")); });
    });
  }

  function render(element, figure) {
    return plotlyReady().then(function () {
      element.textContent = "";
      var layout = Object.assign({}, figure.layout, { autosize: true });
      return Plotly.react(element, figure.data, layout, { responsive: true, displaylogo: false });
    });
  }

  // -- study page ---------------------------------------------------------------------------
  function studyPage() {
    var studyId = config.studyId;
    var minimize = (config.directions || [])[0] === "MINIMIZE";
    var state = { version: 0, history: null, wasLoaded: null, objective: 0 };

    function objectiveQuery() { return "?objective=" + state.objective; }

    function drawPlot(kind) {
      var element = document.getElementById("plot-" + kind);
      if (!element) return Promise.resolve(null);
      var status = element.querySelector(".plot-status");
      if (status) status.textContent = "Drawing…";
      return getJSON("/api/studies/" + studyId + "/plots/" + kind + objectiveQuery()).then(function (body) {
        showNotes(kind, body.notes);
        if (!body.figure) {
          element.textContent = "";
          var empty = document.createElement("p");
          empty.className = "plot-status";
          empty.textContent = body.notes.length ? "No plot." : "Nothing to show yet.";
          element.appendChild(empty);
          return body;
        }
        return render(element, body.figure).then(function () {
          element.setAttribute("data-drawn", "true");
          return body;
        });
      }, function (error) {
        element.textContent = "";
        var failed = document.createElement("p");
        failed.className = "plot-status error";
        failed.textContent = "Could not draw: " + error.message;
        element.appendChild(failed);
        return null;
      });
    }

    function drawHistory() {
      return drawPlot("history").then(function (body) {
        if (!body) return;
        state.version = body.version;
        var element = document.getElementById("plot-history");
        var traces = element.data || [];
        state.history = null;
        if (body.figure && traces.length >= 1 && config.nObjectives === 1) {
          var bestTrace = traces.length >= 2 ? 1 : -1;
          var bestY = bestTrace >= 0 ? traces[1].y : [];
          var bestX = bestTrace >= 0 ? traces[1].x : [];
          state.history = {
            bestTrace: bestTrace,
            best: bestY.length ? bestY[bestY.length - 1] : null,
            lastBestX: bestX.length ? bestX[bestX.length - 1] : -1
          };
        } else if (body.figure) {
          state.history = { bestTrace: -1, best: null, lastBestX: -1 };
        }
      });
    }

    function drawOthers() {
      var kinds = config.plots.filter(function (kind) { return kind !== "history"; });
      return kinds.reduce(function (chain, kind) {
        return chain.then(function () { return drawPlot(kind); });
      }, Promise.resolve());
    }

    function extendHistory(trials) {
      var history = state.history;
      var element = document.getElementById("plot-history");
      if (!history || !element || !element.data) return;
      var x = [], y = [], bx = [], by = [];
      trials.forEach(function (trial) {
        if (trial.state !== "COMPLETE" || !trial.values) return;
        var value = trial.values[state.objective];
        if (typeof value !== "number") return;
        x.push(trial.number);
        y.push(value);
        if (history.bestTrace >= 0) {
          if (history.best === null || (minimize ? value < history.best : value > history.best)) {
            history.best = value;
          }
          if (trial.number > history.lastBestX) {
            bx.push(trial.number);
            by.push(history.best);
            history.lastBestX = trial.number;
          }
        }
      });
      if (!x.length) return;
      try {
        if (history.bestTrace >= 0 && bx.length) {
          Plotly.extendTraces(element, { x: [x, bx], y: [y, by] }, [0, 1]);
        } else {
          Plotly.extendTraces(element, { x: [x], y: [y] }, [0]);
        }
      } catch (error) {
        state.history = null;  // redraw it whole instead
        drawHistory();
      }
    }

    function showUpdate(body) {
      setText("n-trials", body.total);
      var counts = Object.keys(body.counts).filter(function (s) { return body.counts[s] > 0; })
        .map(function (s) { return s.toLowerCase() + " " + body.counts[s]; });
      setText("counts", counts.join(", ") || "none yet");
      setText("best-value", format(body.best_value));
      var progress = document.getElementById("progress");
      if (progress) {
        progress.hidden = body.loaded_all;
        setText("n-loaded", body.loaded);
        setText("n-total", body.total);
      }
      if (body.error) {
        var error = document.getElementById("load-error");
        error.hidden = false;
        error.textContent = "Loading failed: " + body.error;
      }
      fillBody("recent", body.recent, function (row, trial) {
        cell(row, trial.number, "/studies/" + studyId + "/trials/" + trial.number);
        cell(row, trial.state).className = "state-" + trial.state;
        cell(row, format(trial.values));
        cell(row, trial.start ? new Date(trial.start).toLocaleString() : "—");
        cell(row, trial.complete ? new Date(trial.complete).toLocaleString() : "—");
      });
      fillBody("workers-table", body.workers, function (row, worker) {
        cell(row, worker.number, "/studies/" + studyId + "/trials/" + worker.number);
        cell(row, seconds(worker.running_for));
        cell(row, worker.heartbeat_age === null ? "none recorded" : seconds(worker.heartbeat_age) + " ago");
        cell(row, worker.last_step === null ? "—" : "step " + worker.last_step + ": " + format(worker.last_value));
        var status = cell(row, worker.stale ? "STALE" : "ok");
        if (worker.stale) status.className = "error";
      });
    }

    function poll() {
      return getJSON("/api/studies/" + studyId + "/updates?since=" + state.version).then(function (body) {
        if (state.version > 0) extendHistory(body.trials);
        state.version = body.version;
        showUpdate(body);
        markLive(true);
        var finishedLoading = state.wasLoaded === false && body.loaded_all;
        state.wasLoaded = body.loaded_all;
        return finishedLoading;
      }, function () { markLive(false); return false; });
    }

    var redrawing = false;
    function redrawAll() {
      if (redrawing) return Promise.resolve();
      redrawing = true;
      return drawHistory().then(drawOthers).then(function () { redrawing = false; });
    }

    function loop() {
      poll().then(function (finishedLoading) {
        if (finishedLoading) redrawAll();
        return later(POLL_MS);
      }).then(loop);
    }

    var redraw = document.getElementById("redraw");
    if (redraw) redraw.addEventListener("click", redrawAll);
    var objective = document.getElementById("objective");
    if (objective) {
      objective.addEventListener("change", function () {
        state.objective = parseInt(objective.value, 10) || 0;
        redrawAll();
      });
    }
    // The first plot first: it is drawn from whatever has loaded so far.
    drawHistory().then(function () {
      loop();
      return drawOthers();
    });
  }

  // -- trial page ---------------------------------------------------------------------------
  function trialPage() {
    var data = document.getElementById("curve-data");
    var element = document.getElementById("curve");
    if (data && element) render(element, JSON.parse(data.textContent));
  }

  // -- compare page -------------------------------------------------------------------------
  function comparePage() {
    var element = document.getElementById("compare-plot");
    if (!element || !config.studies || !config.studies.length) return;
    var query = config.studies.map(function (id) { return "study=" + encodeURIComponent(id); }).join("&");
    getJSON("/api/compare/history?" + query).then(function (body) {
      return render(element, body.figure);
    }, function (error) {
      element.textContent = "Could not draw: " + error.message;
    });
  }

  var pages = { studies: studiesPage, study: studyPage, trial: trialPage, compare: comparePage };
  if (pages[config.page]) pages[config.page]();
})();
