/// The technician's status page: one self-contained HTML document (inline CSS and script, no
/// external assets), readable on a phone, rendered on the server so it shows data even before
/// its script runs. The script only draws the per-sensor charts of the last `chartHours` hours
/// from `/api/sensors/{id}/readings` (on the gateway's clock, not the phone's) and reloads the page every 30 s.
public enum StatusPage {
    public static let chartHours = 6

    public static func render(_ snapshot: GatewaySnapshot, health: HealthReport) -> String {
        let now = snapshot.gateway.now
        var html = head(title: "vigie · \(snapshot.gateway.id)")
        html += "<header><h1>\(escape(snapshot.gateway.id))</h1>\(pill(health.status))"
        html += "<p>\(escape(snapshot.gateway.hostname)) · vigie \(escape(snapshot.gateway.version)) · up "
        html += "\(StatusFormat.duration(milliseconds: now - snapshot.gateway.startedAt)) · "
        html += "clock \(snapshot.clock.plausible ? (snapshot.clock.synchronized == false ? "not synchronised" : "ok") : "WRONG")</p></header><main>"

        html += section("Sensors", columns: ["Sensor", "Value", "Quality", "Updated", "Anomaly", "Last \(chartHours) h"],
                        rows: snapshot.sensors.map { sensor in
            let value = sensor.value.map { StatusFormat.value($0) + (sensor.unit.map { " " + $0 } ?? "")
                + (sensor.label.map { " " + $0 } ?? "") } ?? "–"
            var score = sensor.anomalyScore.map { StatusFormat.value($0) } ?? "–"
            if let until = sensor.learningUntil { score += "<br><small>learning until \(StatusFormat.timestamp(until)) UTC</small>" }
            let scoreClass = (sensor.anomalyScore ?? 0) >= 0.5 ? "bad" : ""
            return ["<b>\(escape(sensor.id))</b>", "<span class=num>\(escape(value))</span>",
                    qualityPill(sensor.quality), updated(sensor, now), "<span class='num \(scoreClass)'>\(score)</span>",
                    "<svg class=spark data-sensor='\(escape(sensor.id))' viewBox='0 0 160 32'></svg>"]
        }, empty: "No sensor has reported yet.")

        html += section("Devices", columns: ["Bus", "Device", "State", "Last poll", "Errors", "Last error"],
                        rows: snapshot.buses.flatMap { bus in bus.devices.map { device in
            ["\(escape(bus.name))<br><small>\(escape(bus.transport))</small>", "\(escape(device.name)) <small>unit \(device.unit)</small>",
             pill(device.state), ago(device.lastPoll, now), "\(device.errors)", escape(device.lastError ?? "")]
        } }, empty: "No Modbus device configured.")

        if !snapshot.subscriptions.isEmpty {
            html += section("MQTT subscriptions", columns: ["Topic", "Format", "State", "Last message", "Decode failures"],
                            rows: snapshot.subscriptions.map {
                [escape($0.topic) + ($0.broker.map { "<br><small>on \(escape($0))</small>" } ?? ""), escape($0.format),
                 pill($0.state) + ($0.refusedBy.isEmpty ? "" : " <small>refused by \(escape($0.refusedBy.joined(separator: ", ")))</small>"),
                 ago($0.lastMessage, now), "\($0.decodeFailures)"
                    + $0.deliveryNotes.map { "<br><small>\(escape($0))</small>" }.joined()]
            }, empty: "")
        }

        html += section("Open anomalies", columns: ["Sensor", "Since", "Kind", "Score", "What"],
                        rows: snapshot.openAnomalies.map {
            [escape($0.sensor), ago($0.start, now), escape($0.kind), StatusFormat.value($0.score), escape($0.message)]
        }, empty: "No open anomaly.")

        html += section("Upstream", columns: ["Sink", "Target", "State", "Backlog", "Oldest waiting", "Last ack"],
                        rows: snapshot.sinks.map {
            [escape($0.name), escape($0.target) + ($0.broker.map { "<br><small>on \(escape($0))</small>" } ?? ""), pill($0.state) + ($0.connected ? "" : " <small>disconnected</small>"),
             "\($0.backlog)", ago($0.oldestPending, now), ago($0.lastAck, now)]
        }, empty: "No upstream configured: readings stay on this gateway.")

        if !snapshot.commands.isEmpty {
            html += section("Commands from the hub", columns: ["Received", "Id", "Command", "Outcome", "Detail", "Origin"],
                            rows: snapshot.commands.map {
                [ago($0.received, now), escape($0.id ?? "–"), escape($0.summary), escape($0.status), escape($0.detail ?? ""),
                 "<small>\(escape($0.origin))</small>"]
            }, empty: "")
        }

        let store = snapshot.store
        html += section("Store", columns: ["State", "Database", "Last commit", "Last error"], rows: [[
            pill(store.state), "\(StatusFormat.bytes(store.databaseBytes)) of \(StatusFormat.bytes(store.maxBytes))",
            ago(store.lastCommit, now), escape(store.lastError ?? ""),
        ]], empty: "")
        html += "</main><footer>Updated \(StatusFormat.timestamp(now)) UTC · <a href='health'>health</a> · "
        html += "<a href='metrics'>metrics</a> · <a href='api/sensors'>api</a></footer>"
        html += "<script>var vigieNow=\(now);\(script)</script></body></html>\n"
        return html
    }

    /// Escapes text for HTML content and single- or double-quoted attributes.
    public static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for character in text {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(character)
            }
        }
        return out
    }

    private static func pill(_ state: ComponentState) -> String {
        "<span class='pill \(state.rawValue)'>\(state.rawValue)</span>"
    }

    private static func qualityPill(_ quality: String) -> String {
        let state: ComponentState = quality == "good" ? .ok : (quality == "uncertain" ? .degraded : .failing)
        return "<span class='pill \(state.rawValue)'>\(escape(quality))</span>"
    }

    /// When a sensor's value was read; a retained value (not stored) says so, and that its age is
    /// unknown when its payload did not date it.
    private static func updated(_ sensor: SensorStatus, _ now: Int64) -> String {
        guard sensor.retained == true else { return ago(sensor.time, now) }
        return (sensor.time == nil ? "age unknown" : ago(sensor.time, now)) + "<br><small>retained, not stored</small>"
    }

    private static func ago(_ time: Int64?, _ now: Int64) -> String {
        guard let time else { return "never" }
        return "<span title='\(StatusFormat.timestamp(time)) UTC'>\(StatusFormat.duration(milliseconds: now - time)) ago</span>"
    }

    private static func section(_ title: String, columns: [String], rows: [[String]], empty: String) -> String {
        var html = "<section><h2>\(title)</h2>"
        guard !rows.isEmpty else { return html + "<p class=empty>\(empty)</p></section>" }
        html += "<div class=scroll><table><thead><tr>" + columns.map { "<th>\($0)</th>" }.joined() + "</tr></thead><tbody>"
        for row in rows {
            html += "<tr>" + row.enumerated().map { "<td data-label='\(columns[$0.offset])'>\($0.element)</td>" }.joined() + "</tr>"
        }
        return html + "</tbody></table></div></section>"
    }

    private static func head(title: String) -> String {
        """
        <!doctype html><html lang=en><head><meta charset=utf-8>\
        <meta name=viewport content='width=device-width,initial-scale=1'><title>\(escape(title))</title>\
        <style>\(style)</style></head><body>
        """
    }

    private static let style = """
    :root{--ok:#1a7f37;--degraded:#b35900;--failing:#c62828;--line:#d8dee4;--muted:#57606a}\
    *{box-sizing:border-box}body{margin:0;font:14px/1.4 system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;\
    color:#1f2328;background:#f6f8fa}header{background:#24292f;color:#fff;padding:14px 20px;display:flex;\
    flex-wrap:wrap;align-items:center;gap:6px 14px}header h1{margin:0;font-size:20px}header p{margin:0;\
    color:#d0d7de;flex-basis:100%}main{padding:12px 20px;display:grid;grid-template-columns:minmax(0,1fr);gap:14px;max-width:1200px}\
    section{background:#fff;border:1px solid var(--line);border-radius:8px;padding:10px 14px}\
    h2{font-size:15px;margin:2px 0 8px}.scroll{overflow-x:auto}table{border-collapse:collapse;width:100%}\
    th,td{text-align:left;padding:5px 8px;border-top:1px solid var(--line);vertical-align:middle;white-space:nowrap}\
    th{border-top:0;color:var(--muted);font-weight:600;font-size:12px}small{color:var(--muted)}\
    .num{font-variant-numeric:tabular-nums}.bad{color:var(--failing);font-weight:600}\
    .pill{display:inline-block;padding:1px 8px;border-radius:10px;font-size:12px;font-weight:600;color:#fff}\
    .ok{background:var(--ok)}.degraded{background:var(--degraded)}.failing{background:var(--failing)}\
    .num.ok,.num.degraded,.num.failing{background:none}.empty{color:var(--muted);margin:4px 0}\
    svg.spark{width:160px;height:32px;display:block}svg.spark polyline{fill:none;stroke:#0969da;stroke-width:1.5}\
    svg.spark text{font-size:9px;fill:var(--muted)}\
    footer{color:var(--muted);padding:4px 20px 20px;font-size:12px}a{color:#0969da}\
    @media(max-width:640px){main{padding:8px;grid-template-columns:minmax(0,1fr)}td{white-space:normal}th{display:none}td{display:block;border:0;padding:2px 4px}\
    td::before{content:attr(data-label) ': ';color:var(--muted);font-size:12px}tr{display:block;\
    border-top:1px solid var(--line);padding:6px 0}}
    """

    private static let script = """
    (function(){var to=vigieNow,from=to-\(chartHours)*3600e3;\
    document.querySelectorAll('svg.spark').forEach(function(svg){\
    var id=svg.getAttribute('data-sensor'),url='api/sensors/'+id.split('/').map(encodeURIComponent).join('/')+\
    '/readings?from='+from+'&to='+to+'&limit=2000';\
    fetch(url).then(function(r){return r.ok?r.json():null}).then(function(d){\
    if(!d||!d.readings||d.readings.length<2){svg.innerHTML='<text x=2 y=20>no history</text>';return}\
    var pts=d.readings,min=Infinity,max=-Infinity;pts.forEach(function(p){if(p.value<min)min=p.value;if(p.value>max)max=p.value});\
    var span=max-min||1,w=160,h=32,line=pts.map(function(p){return((p.time-from)/(to-from)*w).toFixed(1)+','+\
    (h-2-(p.value-min)/span*(h-4)).toFixed(1)}).join(' ');\
    svg.innerHTML='<title>min '+min+' · max '+max+'</title><polyline points="'+line+'"/>'}).catch(function(){})});\
    setTimeout(function(){location.reload()},30000)})();
    """
}
