// A Java case-management system calling pact's C API (libpact.so) through JNA, with no native
// code of its own: it renders the questionnaire of the default instrument in Spanish from the
// library, records a social worker's answers, sends the assessment as JSON text and gets the
// result back as JSON text, scores the same answers as a dense row for the chronicity risk, and
// shows how errors come back (status, message, JSON Pointer). The declarations of pact.h for JNA
// are in Pact.java beside it.
//
// Build and run (Debian: default-jdk-headless, libjna-java):
//   javac -encoding UTF-8 -cp /usr/share/java/jna.jar -d classes Pact.java PactExample.java
//   java -cp /usr/share/java/jna.jar:classes -Djna.library.path=<dir of libpact.so> \
//        PactExample [assessment.json]
// The program checks what it prints and exits with 1 if anything disagrees (run by ctest as
// c.java).

import com.sun.jna.Memory;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.PointerByReference;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

public final class PactExample {

  private static final Pact pact = Pact.LIB;
  private static final String LANG = "es";
  private static int failures = 0;

  private static void check(boolean ok, String what) {
    if (!ok) {
      ++failures;
      System.out.println("CHECK FAILED: " + what);
    }
  }

  private static void ok(int status, String what) {
    if (status != Pact.PACT_OK)
      throw new IllegalStateException(what + ": " + pact.pact_status_name(status) + ": " + pact.pact_last_error());
  }

  /** Sends an assessment; returns the result JSON, or null with the error printed. */
  private static String score(Pointer model, String assessmentJson) {
    final byte[] bytes = assessmentJson.getBytes(StandardCharsets.UTF_8);
    final PointerByReference result = new PointerByReference();
    final int status = pact.pact_model_score_json(model, bytes, new Pact.SizeT(bytes.length), LANG, result);
    if (status != Pact.PACT_OK) {
      System.out.println("  rejected: " + pact.pact_status_name(status) + " at " + pact.pact_last_error_where() + ": "
                         + pact.pact_last_error());
      return null;
    }
    try {
      return result.getValue().getString(0, "UTF-8");
    } finally {
      pact.pact_string_free(result.getValue());
    }
  }

  /** The number after `key` in a flat part of the result JSON (enough for this example). */
  private static double numberAfter(String json, String anchor, String key) {
    int at = json.indexOf(anchor);
    at = json.indexOf(key, at) + key.length();
    int end = at;
    while (end < json.length() && "+-.0123456789eE".indexOf(json.charAt(end)) >= 0) ++end;
    return Double.parseDouble(json.substring(at, end));
  }

  private static String quote(String s) {
    return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }

  public static void main(String[] args) throws Exception {
    if (pact.pact_version_number() / 10000 != Pact.PACT_VERSION_MAJOR)
      throw new IllegalStateException("libpact " + pact.pact_version_string() + " is not pact.h major version "
                                      + Pact.PACT_VERSION_MAJOR);
    final PointerByReference handle = new PointerByReference();
    ok(pact.pact_model_default(handle), "default model");
    final Pointer model = handle.getValue();
    try {
      final Pointer instrument = pact.pact_model_instrument(model);
      final PointerByReference text = new PointerByReference();
      ok(pact.pact_instrument_name(instrument, LANG, text), "name");
      System.out.println("pact " + pact.pact_version_string() + ": " + text.getValue().getString(0, "UTF-8"));

      // Render the questionnaire from the library, dimension by dimension, and let a "social
      // worker" answer it: the options in turn, yes on every other yes/no item, a figure in the
      // lower part of each numeric range.
      final int items = pact.pact_instrument_item_count(instrument).intValue();
      final int dims = pact.pact_instrument_dimension_count(instrument).intValue();
      final Map<String, Double> answers = new LinkedHashMap<>();
      final double[] row = new double[items];
      final String[] itemIds = new String[items];
      String firstOrdinal = null;
      for (int d = 0; d < dims; ++d) {
        final Pact.DimensionInfo dim = new Pact.DimensionInfo();
        ok(pact.pact_instrument_dimension(instrument, new Pact.SizeT(d), LANG, dim.sized()), "dimension");
        System.out.printf(Locale.ROOT, "%n== %s (peso %.3f) ==%n", dim.label, dim.normalized_weight);
        for (int j = 0; j < items; ++j) {
          final Pact.ItemInfo item = new Pact.ItemInfo();
          ok(pact.pact_instrument_item(instrument, new Pact.SizeT(j), LANG, item.sized()), "item");
          if (item.dimension_index.intValue() != d) continue;
          itemIds[j] = item.id;
          System.out.printf("%s%s [%s]%n", item.label, item.required != 0 ? " *" : "", item.id);
          if (!item.question.isEmpty()) System.out.println("    " + item.question);
          final double answer;
          if (item.type == Pact.PACT_RESPONSE_ORDINAL) {
            final int options = item.option_count.intValue();
            for (int k = 0; k < options; ++k) {
              final Pact.OptionInfo option = new Pact.OptionInfo();
              ok(pact.pact_instrument_option(instrument, new Pact.SizeT(j), new Pact.SizeT(k), LANG, option.sized()),
                 "option");
              System.out.printf("    (%d) %s: %s%n", option.value, option.label, option.anchor);
            }
            final Pact.OptionInfo chosen = new Pact.OptionInfo();
            ok(pact.pact_instrument_option(instrument, new Pact.SizeT(j), new Pact.SizeT(j % options), LANG,
                                           chosen.sized()), "option");
            answer = chosen.value;
            if (firstOrdinal == null) firstOrdinal = item.id;
          } else if (item.type == Pact.PACT_RESPONSE_YES_NO) {
            System.out.println("    sí / no");
            answer = j % 2;
          } else {
            final double hi = Double.isInfinite(item.max_value) ? item.min_value + 100 : item.max_value;
            System.out.printf(Locale.ROOT, "    %s a %s %s%n", fmt(item.min_value),
                              Double.isInfinite(item.max_value) ? "..." : fmt(item.max_value), item.unit);
            final double value = item.min_value + 0.3 * (hi - item.min_value);
            answer = item.type == Pact.PACT_RESPONSE_COUNT ? Math.floor(value) : value;
          }
          answers.put(item.id, answer);
          row[j] = answer;
        }
      }

      // The assessment as the host sends it: JSON text, responses by item id.
      final StringBuilder json = new StringBuilder("{\"case_id\":\"java-0001\",\"date\":\"2024-05-14\",\"responses\":{");
      boolean first = true;
      for (Map.Entry<String, Double> e : answers.entrySet()) {
        json.append(first ? "" : ",").append(quote(e.getKey())).append(':').append(fmt(e.getValue()));
        first = false;
      }
      json.append("}}");
      System.out.println("\nAssessment sent: " + json);
      final String result = score(model, json.toString());
      check(result != null, "the recorded answers are scored");
      System.out.println("Result: " + result);

      // The same answers as a dense row (the column order is the item order): the composite must
      // be the same double, and the batch gives the chronicity risk and its band.
      final Memory composite = new Memory(8), risk = new Memory(8), level = new Memory(4), band = new Memory(4),
                   status = new Memory(4);
      final Pact.BatchOutput out = new Pact.BatchOutput();
      out.composite = composite;
      out.risk = risk;
      out.level = level;
      out.band = band;
      out.status = status;
      final Pact.BatchSummary summary = new Pact.BatchSummary();
      ok(pact.pact_model_score_batch(model, row, new Pact.SizeT(1), new Pact.SizeT(items), 1, out.sized(),
                                     summary.sized()), "batch");
      summary.read();
      check(summary.scored.intValue() == 1, "the dense row has a risk");
      if (result != null) {
        final double fromJson = numberAfter(result, "\"composite\":", "\"score\":");
        check(fromJson == composite.getDouble(0), "JSON and dense row give the same composite (" + fromJson + " vs "
                                                  + composite.getDouble(0) + ")");
      }
      final Pact.LevelInfo levelInfo = new Pact.LevelInfo();
      ok(pact.pact_instrument_level(instrument, new Pact.SizeT(level.getInt(0)), LANG, levelInfo.sized()),
         "level");
      final Pact.BandInfo bandInfo = new Pact.BandInfo();
      ok(pact.pact_model_band(model, new Pact.SizeT(band.getInt(0)), LANG, bandInfo.sized()), "band");
      final PointerByReference modelId = new PointerByReference(), modelStatus = new PointerByReference();
      ok(pact.pact_model_info(model, modelId, null, null, modelStatus), "model info");
      System.out.printf(Locale.ROOT, "%nÍndice compuesto %.3f: %s. Riesgo de cronicidad %.3f: %s (modelo %s, %s)%n",
                        composite.getDouble(0), levelInfo.label, risk.getDouble(0), bandInfo.label,
                        modelId.getValue().getString(0, "UTF-8"), modelStatus.getValue().getString(0, "UTF-8"));
      check(result == null || result.contains("\"level\":{\"id\":" + quote(levelInfo.id)), "the same level");

      // A wrong answer comes back as a validation error at the item's JSON Pointer.
      final String bad = "{\"case_id\":\"java-0002\",\"responses\":{" + quote(firstOrdinal) + ":99}}";
      System.out.println("\nAssessment sent: " + bad);
      check(score(model, bad) == null, "an invalid answer is rejected");
      check(pact.pact_last_error_where().equals("/responses/" + firstOrdinal), "the error names the item");

      // An assessment file from the host's archive, as is.
      if (args.length > 0) {
        final String archived = Files.readString(Path.of(args[0]), StandardCharsets.UTF_8);
        System.out.println("\nAssessment file " + args[0]);
        final String archivedResult = score(model, archived);
        check(archivedResult != null && archivedResult.contains("\"format\":\"pact.result\""), "the file is scored");
        System.out.println("Result: " + archivedResult);
      }
    } finally {
      pact.pact_model_free(model);
    }
    System.out.println(failures == 0 ? "\nPASS" : "\nFAIL: " + failures + " checks failed");
    System.exit(failures == 0 ? 0 : 1);
  }

  private static String fmt(double v) {
    return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
  }
}
