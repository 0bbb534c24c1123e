package io.inferencebench.report;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * The comparison as one self-contained HTML page: charts inline as PNG data, hover text through
 * image maps, a statistic selector and a shared legend; no script or style from the network.
 */
final class HtmlReport {
    private static final DateTimeFormatter UTC = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'")
            .withZone(ZoneOffset.UTC);

    /** Draws one panel variant; the report calls it once per variant it shows. */
    interface Charts {
        BarChart.Drawn draw(Comparison.Panel panel, Comparison.Variant variant, String mapName);
    }

    private HtmlReport() {
    }

    static String escape(String text) {
        StringBuilder escaped = new StringBuilder(text.length() + 16);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '&' -> escaped.append("&amp;");
                case '<' -> escaped.append("&lt;");
                case '>' -> escaped.append("&gt;");
                case '"' -> escaped.append("&quot;");
                case '\'' -> escaped.append("&#39;");
                default -> escaped.append(c);
            }
        }
        return escaped.toString();
    }

    static String render(Comparison comparison, Theme theme, Charts charts, String workbookName, Instant generated) {
        List<Comparison.Run> runs = comparison.runs();
        boolean hasIntended = comparison.panels().stream()
                .anyMatch(p -> p.variants().stream().anyMatch(Comparison.Variant::fromIntendedStart));
        boolean hasSelectable = comparison.panels().stream().anyMatch(Comparison.Panel::selectable);

        StringBuilder html = new StringBuilder(256 * 1024);
        html.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
                .append("<title>Benchmark comparison: ").append(runs.size()).append(runs.size() == 1 ? " run" : " runs")
                .append("</title>\n<style>\n").append(css(theme)).append("</style>\n</head>\n<body>\n");

        html.append("<header>\n<div class=\"heading\"><h1>Benchmark comparison</h1><p class=\"muted\">")
                .append(runs.size()).append(runs.size() == 1 ? " run" : " runs").append(" · generated ")
                .append(UTC.format(generated)).append(" · InferenceBench</p></div>\n");
        html.append("<div class=\"controls\">");
        if (hasSelectable) {
            html.append("<label>Statistic <select id=\"stat\">");
            for (String statistic : Comparison.SELECTOR_STATISTICS) {
                html.append("<option value=\"").append(statistic).append("\">").append(statistic).append("</option>");
            }
            html.append("</select></label>");
        }
        if (hasIntended) {
            html.append("<label title=\"From when the request should have started, not when it did: "
                    + "corrected for coordinated omission\"><input type=\"checkbox\" id=\"intended\"> "
                    + "latency from the intended start</label>");
        }
        html.append("</div>\n<ul class=\"legend\">");
        for (Comparison.Run run : runs) {
            html.append("<li title=\"").append(escape(runHover(run)).replace("\n", "&#10;")).append("\">")
                    .append("<span class=\"swatch\" style=\"background:").append(Theme.css(run.colour()))
                    .append("\"></span>").append(escape(run.legend())).append("</li>");
        }
        html.append("</ul>\n</header>\n<main>\n");

        int mapCount = 0;
        for (Source source : Source.values()) {
            List<Comparison.Panel> panels = comparison.panels(source);
            if (panels.isEmpty()) {
                continue;
            }
            html.append("<section id=\"").append(source.key()).append("\">\n<h2>").append(escape(source.title()))
                    .append("</h2>\n<div class=\"grid\">\n");
            for (Comparison.Panel panel : panels) {
                html.append("<figure class=\"panel").append(panel.selectable() ? " selectable" : "")
                        .append("\" data-panel=\"").append(escape(panel.id())).append("\">\n");
                boolean first = true;
                for (Comparison.Variant variant : panel.variants()) {
                    String mapName = "m" + (++mapCount);
                    BarChart.Drawn drawn = charts.draw(panel, variant, mapName);
                    html.append("<div class=\"variant\" data-stat=\"").append(variant.statistic() == null ? "" : variant.statistic())
                            .append("\" data-intended=\"").append(variant.fromIntendedStart() ? 1 : 0).append('"')
                            .append(first ? "" : " hidden").append(">\n")
                            .append("<img src=\"data:image/png;base64,").append(Base64.getEncoder().encodeToString(drawn.png()))
                            .append("\" width=\"").append(BarChart.WIDTH).append("\" height=\"").append(BarChart.HEIGHT)
                            .append("\" usemap=\"#").append(mapName).append("\" alt=\"").append(escape(BarChart.title(panel, variant)))
                            .append("\">\n").append(drawn.imageMap()).append('\n');
                    List<String> missing = BarChart.notMeasuredIn(variant, runs);
                    if (!missing.isEmpty() && missing.size() < runs.size()) {
                        html.append("<figcaption class=\"muted\">Not measured in ")
                                .append(escape(String.join(", ", missing))).append("</figcaption>\n");
                    }
                    html.append("</div>\n");
                    first = false;
                }
                html.append("</figure>\n");
            }
            html.append("</div>\n</section>\n");
        }

        html.append(runsTable(comparison));
        if (!comparison.notes().isEmpty()) {
            html.append("<section id=\"notes\"><h2>Notes</h2><ul>");
            comparison.notes().forEach(note -> html.append("<li>").append(escape(note)).append("</li>"));
            html.append("</ul></section>\n");
        }
        html.append("</main>\n<footer class=\"muted\">Every statistic of every run is in the Excel summary beside this page: <a href=\"")
                .append(escape(workbookName)).append("\">").append(escape(workbookName)).append("</a>. ")
                .append("Hover a bar for its run's details.</footer>\n");
        html.append("<script>\n").append(SCRIPT).append("</script>\n</body>\n</html>\n");
        return html.toString();
    }

    private static String runHover(Comparison.Run run) {
        StringBuilder text = new StringBuilder(run.legend()).append("\nrun: ").append(run.directoryName());
        for (Map.Entry<String, String> line : run.metadata().entrySet()) {
            text.append('\n').append(line.getKey()).append(": ").append(line.getValue());
        }
        return text.toString();
    }

    private static String runsTable(Comparison comparison) {
        StringBuilder html = new StringBuilder("<section id=\"runs\">\n<h2>Runs</h2>\n<div class=\"table\"><table>\n<thead><tr><th>Run</th><th>Directory</th>");
        comparison.metadataKeys().forEach(key -> html.append("<th>").append(escape(key)).append("</th>"));
        html.append("<th>Target</th><th>Wave start</th></tr></thead>\n<tbody>\n");
        for (Comparison.Run run : comparison.runs()) {
            long start = run.summary().waveStartEpochMs();
            html.append("<tr><td><span class=\"swatch\" style=\"background:").append(Theme.css(run.colour()))
                    .append("\"></span>").append(escape(run.legend())).append("</td><td>")
                    .append(escape(run.directoryName())).append("</td>");
            comparison.metadataKeys().forEach(key ->
                    html.append("<td>").append(escape(run.metadata().getOrDefault(key, ""))).append("</td>"));
            html.append("<td>").append(escape(run.summary().target())).append("</td><td>")
                    .append(start < 0 ? "" : UTC.format(Instant.ofEpochMilli(start))).append("</td></tr>\n");
        }
        return html.append("</tbody>\n</table></div>\n</section>\n").toString();
    }

    private static String css(Theme theme) {
        return ":root{--page:" + Theme.css(theme.page) + ";--panel:" + Theme.css(theme.panel) + ";--text:"
                + Theme.css(theme.text) + ";--muted:" + Theme.css(theme.mutedText) + ";--border:"
                + Theme.css(theme.border) + ";color-scheme:" + (theme == Theme.DARK ? "dark" : "light") + "}\n"
                + STYLE;
    }

    private static final String STYLE = """
            *{box-sizing:border-box}
            body{margin:0;background:var(--page);color:var(--text);font:14px/1.45 system-ui,-apple-system,"Segoe UI","DejaVu Sans",sans-serif}
            header{position:sticky;top:0;z-index:1;background:var(--page);border-bottom:1px solid var(--border);padding:12px 24px;display:flex;flex-wrap:wrap;align-items:center;gap:8px 28px}
            h1{font-size:20px;margin:0}
            h2{font-size:16px;margin:22px 0 10px;padding-bottom:4px;border-bottom:1px solid var(--border)}
            .heading p{margin:2px 0 0}
            .muted{color:var(--muted);font-size:12px}
            .controls{display:flex;gap:18px;align-items:center}
            .controls select{margin-left:6px;font:inherit;padding:2px 6px;background:var(--panel);color:var(--text);border:1px solid var(--border);border-radius:4px}
            .legend{list-style:none;margin:0;padding:0;display:flex;flex-wrap:wrap;gap:6px 18px}
            .legend li{display:flex;align-items:center;cursor:default}
            .swatch{display:inline-block;width:12px;height:12px;border-radius:2px;margin-right:6px;vertical-align:-1px}
            main{padding:0 24px 12px}
            .grid{display:flex;flex-wrap:wrap;gap:14px}
            figure{margin:0;background:var(--panel);border:1px solid var(--border);border-radius:6px;overflow:hidden;width:442px}
            figure img{display:block}
            figcaption{padding:0 12px 8px}
            table{border-collapse:collapse;background:var(--panel);border:1px solid var(--border)}
            .table{overflow-x:auto}
            th,td{text-align:left;padding:5px 12px;border-bottom:1px solid var(--border);vertical-align:top}
            td{max-width:420px;overflow-wrap:anywhere}
            th{font-weight:600}
            footer{padding:8px 24px 20px}
            a{color:inherit}
            """;

    /** Shows each panel's variant for the chosen statistic; the choice is kept in the URL (#stat=p99&intended=1). */
    private static final String SCRIPT = """
            (function(){
              var stat=document.getElementById('stat'), intended=document.getElementById('intended');
              var wanted=new URLSearchParams(location.hash.slice(1));
              if(stat&&wanted.get('stat')&&stat.querySelector('option[value="'+wanted.get('stat')+'"]')) stat.value=wanted.get('stat');
              if(intended&&wanted.get('intended')==='1') intended.checked=true;
              function show(){
                var s=stat?stat.value:'mean', i=intended&&intended.checked?'1':'0';
                document.querySelectorAll('figure.selectable').forEach(function(figure){
                  var variants=figure.querySelectorAll('.variant'), wanted=null;
                  variants.forEach(function(v){ if(v.dataset.stat===s&&v.dataset.intended===i) wanted=v; });
                  if(!wanted) variants.forEach(function(v){ if(v.dataset.stat===s&&v.dataset.intended==='0') wanted=v; });
                  variants.forEach(function(v){ v.hidden=(v!==wanted); });
                });
              }
              function remember(){
                show();
                history.replaceState(null,'','#stat='+(stat?stat.value:'mean')+(intended&&intended.checked?'&intended=1':''));
              }
              if(stat) stat.addEventListener('change',remember);
              if(intended) intended.addEventListener('change',remember);
              show();
            })();
            """;
}
