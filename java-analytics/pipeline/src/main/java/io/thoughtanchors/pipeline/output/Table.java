package io.thoughtanchors.pipeline.output;

import io.thoughtanchors.pipeline.cache.Json;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A result table, written as {@code <name>.csv} and as an array of row objects in results.json. Cells are
 * strings, integers, doubles or null; NaN is "NaN" in CSV and null in JSON, null is an empty CSV cell.
 */
public record Table(String name, List<String> columns, List<List<Object>> rows) {

    public Table {
        columns = List.copyOf(columns);
        for (List<Object> row : rows) {
            if (row.size() != columns.size()) {
                throw new IllegalArgumentException(name + ": row of " + row.size() + " cells for " + columns.size()
                        + " columns");
            }
        }
    }

    public String fileName() {
        return name + ".csv";
    }

    public String csv() {
        StringBuilder out = new StringBuilder();
        appendLine(out, new ArrayList<>(columns));
        rows.forEach(row -> appendLine(out, row));
        return out.toString();
    }

    public List<Map<String, Object>> jsonRows() {
        List<Map<String, Object>> out = new ArrayList<>(rows.size());
        for (List<Object> row : rows) {
            Map<String, Object> object = new LinkedHashMap<>();
            for (int c = 0; c < columns.size(); c++) {
                Object cell = row.get(c);
                object.put(columns.get(c), cell instanceof Double d ? Json.number(d) : cell);
            }
            out.add(object);
        }
        return out;
    }

    private static void appendLine(StringBuilder out, List<Object> cells) {
        for (int c = 0; c < cells.size(); c++) {
            if (c > 0) {
                out.append(',');
            }
            out.append(csvCell(cells.get(c)));
        }
        out.append('\n');
    }

    private static String csvCell(Object cell) {
        if (cell == null) {
            return "";
        }
        String text = cell.toString();
        boolean quote = text.indexOf(',') >= 0 || text.indexOf('"') >= 0 || text.indexOf('\n') >= 0
                || text.indexOf('\r') >= 0;
        return quote ? '"' + text.replace("\"", "\"\"") + '"' : text;
    }
}
