// A Java case-management system embedding pact through its C API (libpact.so) and JNA: at
// start-up it loads the default instrument and the service's risk model; it renders the
// questionnaire in Spanish for the social worker; it sends a case's assessment as JSON and reads
// the result JSON back; it shows a rejected assessment with pact's own message; it frees
// everything it was given.
//
// The walk-through is docs/tutorials/java-case-management.md. Build and run (Debian:
// default-jdk-headless, libjna-java, libgoogle-gson-java), with Pact.java, the declarations of
// pact.h, from bindings/c/examples/java:
//   javac -encoding UTF-8 -cp /usr/share/java/jna.jar:/usr/share/java/gson.jar -d classes \
//         bindings/c/examples/java/Pact.java docs/tutorials/java/CaseManagement.java
//   java -cp /usr/share/java/jna.jar:/usr/share/java/gson.jar:classes \
//        -Djna.library.path=<directory of libpact.so> CaseManagement models/pact-chronicity.json

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.PointerByReference;

import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.function.Consumer;

public final class CaseManagement {
  private static final Pact pact = Pact.LIB;
  private static final String LANG = "es";  // the language of every label pact returns

  /** A pact call that failed: its status, pact's message and the place it names. */
  static final class PactException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    final int status;
    final String where;

    PactException(int status, String call) {
      super(call + ": " + pact.pact_status_name(status) + ": " + pact.pact_last_error());
      this.status = status;
      this.where = pact.pact_last_error_where();
    }
  }

  /** Every pact function returns a status; anything but PACT_OK becomes an exception at once,
   *  while pact's last error (kept per thread) still describes this call. */
  static void check(int status, String call) {
    if (status != Pact.PACT_OK) throw new PactException(status, call);
  }

  /** A handle pact allocated, released when a try-with-resources block ends. */
  record Handle(Pointer pointer, Consumer<Pointer> free) implements AutoCloseable {
    @Override
    public void close() {
      free.accept(pointer);
    }
  }

  /** A string returned through char**: copied into Java, then given back to pact. */
  static String take(PointerByReference out) {
    final Pointer text = out.getValue();
    try {
      return text.getString(0, "UTF-8");
    } finally {
      pact.pact_string_free(text);
    }
  }

  /** The questionnaire as the social worker sees it: dimensions, items, answers, in Spanish. */
  static void renderQuestionnaire(Pointer instrument) {
    final PointerByReference name = new PointerByReference();
    check(pact.pact_instrument_name(instrument, LANG, name), "pact_instrument_name");
    System.out.println(name.getValue().getString(0, "UTF-8"));  // owned by the instrument: not freed
    final long dimensions = pact.pact_instrument_dimension_count(instrument).longValue();
    final long items = pact.pact_instrument_item_count(instrument).longValue();
    for (long d = 0; d < dimensions; ++d) {
      final Pact.DimensionInfo dimension = new Pact.DimensionInfo();
      check(pact.pact_instrument_dimension(instrument, new Pact.SizeT(d), LANG, dimension.sized()),
            "pact_instrument_dimension");
      System.out.printf("%n%s%n", dimension.label.toUpperCase(Locale.ROOT));
      for (long j = 0; j < items; ++j) {
        final Pact.ItemInfo item = new Pact.ItemInfo();
        check(pact.pact_instrument_item(instrument, new Pact.SizeT(j), LANG, item.sized()), "pact_instrument_item");
        if (item.dimension_index.longValue() != d) continue;
        System.out.printf("  %s%s [%s]%n", item.label, item.required != 0 ? " (obligatorio)" : "", item.id);
        if (item.type == Pact.PACT_RESPONSE_ORDINAL) {
          for (long k = 0; k < item.option_count.longValue(); ++k) {
            final Pact.OptionInfo option = new Pact.OptionInfo();
            check(pact.pact_instrument_option(instrument, new Pact.SizeT(j), new Pact.SizeT(k), LANG, option.sized()),
                  "pact_instrument_option");
            System.out.printf("      %d  %s%n", option.value, option.label);
          }
        } else if (item.type == Pact.PACT_RESPONSE_YES_NO) {
          System.out.println("      sí / no");
        } else {
          System.out.printf(Locale.ROOT, "      %.0f a %.0f %s%n", item.min_value, item.max_value, item.unit);
        }
      }
    }
  }

  /** Adds item answers to an assessment's responses: id, value, id, value, ... */
  static void answer(JsonObject responses, Object... idsAndValues) {
    for (int k = 0; k < idsAndValues.length; k += 2) {
      final String item = (String) idsAndValues[k];
      final Object value = idsAndValues[k + 1];
      if (value instanceof Boolean yes) responses.addProperty(item, yes);
      else responses.addProperty(item, (Number) value);
    }
  }

  /** The case as the host system holds it, as an assessment (docs/formats.md): a lone mother,
   *  unemployed for a year and a half, in debt, in housing she may lose, 14 months in care. */
  static JsonObject assessment(String caseId, String date, String territory) {
    final JsonObject responses = new JsonObject();
    answer(responses, "emp_work_status", 4, "emp_months_since_job", 18, "emp_education", 2, "emp_work_experience", 2,
           "emp_job_search", false, "emp_basic_skills", 2);
    answer(responses, "eco_income_ratio", 55, "eco_income_source", 3, "eco_debts", 3, "eco_material_deprivation", 6,
           "eco_food_insecurity", 2);
    answer(responses, "hou_tenure", 4, "hou_homelessness", 3, "hou_overcrowding", 3, "hou_habitability", 2,
           "hou_cost_burden", 48);
    answer(responses, "vit_health", 2, "vit_disability", 1, "vit_dependency", 1, "vit_addictions", 1,
           "vit_life_events", 2, "vit_life_stage", 2);
    answer(responses, "coh_household", 3, "coh_family_conflict", 2, "coh_gender_violence", false,
           "coh_care_burden", 2, "coh_minors_risk", 2);
    answer(responses, "soc_isolation", 2, "soc_support_people", 2, "soc_practical_help", true,
           "soc_participation", 3);  // soc_neighbours not asked: a missing answer
    answer(responses, "res_coping", 2, "res_motivation", 2, "res_plan_adherence", 2, "res_self_efficacy", 3);
    answer(responses, "tic_months_in_care", 14, "tic_care_episodes", 2, "tic_months_minimum_income", 12,
           "tic_renewals", 1, "tic_parents_users", false);
    answer(responses, "rig_documentation", 1, "rig_registration", true, "rig_health_access", 1, "rig_legal", 1,
           "rig_benefit_access", 2);
    final JsonObject attributes = new JsonObject();
    attributes.addProperty("territory", territory);
    final JsonObject assessment = new JsonObject();
    assessment.addProperty("case_id", caseId);  // pseudonymous: never a name or an ID number
    assessment.addProperty("date", date);
    assessment.add("attributes", attributes);
    assessment.add("responses", responses);
    return assessment;
  }

  /** Scores one assessment; pact returns the result as JSON text, parsed here with Gson. */
  static JsonObject score(Pointer model, String assessmentJson) {
    final byte[] utf8 = assessmentJson.getBytes(StandardCharsets.UTF_8);
    final PointerByReference result = new PointerByReference();
    check(pact.pact_model_score_json(model, utf8, new Pact.SizeT(utf8.length), LANG, result), "pact_model_score_json");
    return JsonParser.parseString(take(result)).getAsJsonObject();
  }

  static String percent(JsonElement score) {
    return score.isJsonNull() ? "-" : String.format(Locale.ROOT, "%.0f", 100 * score.getAsDouble());
  }

  /** What the case file shows the social worker, read from the result JSON. */
  static void show(JsonObject result) {
    final JsonObject composite = result.getAsJsonObject("composite");
    System.out.printf("%nCaso %s, valoración del %s%n", result.get("case_id").getAsString(),
                      result.get("date").getAsString());
    // Too few answers leave the composite unscored: its score and level are null.
    final JsonElement level = composite.get("level");
    System.out.printf(Locale.ROOT, "Índice de exclusión: %s/100, %s (cobertura %.0f %%)%n",
                      percent(composite.get("score")),
                      level.isJsonNull() ? "sin nivel" : level.getAsJsonObject().get("label").getAsString(),
                      100 * composite.get("coverage").getAsDouble());
    for (JsonElement element : result.getAsJsonArray("dimensions")) {
      final JsonObject dimension = element.getAsJsonObject();
      System.out.printf("  %-42s %3s%s%n", dimension.get("label").getAsString(), percent(dimension.get("score")),
                        dimension.get("critical").getAsBoolean() ? "  crítica" : "");
    }
    final JsonArray critical = result.getAsJsonArray("critical_factors");
    System.out.println("Factores críticos:" + (critical.isEmpty() ? " ninguno" : ""));
    for (JsonElement element : critical) {
      final JsonObject factor = element.getAsJsonObject();
      System.out.printf("  - %s (%s)%n", factor.get("label").getAsString(),
                        factor.get("kind").getAsString().equals("item") ? "ítem" : "dimensión");
    }
    final JsonObject risk = result.getAsJsonObject("risk");
    final JsonObject model = risk.getAsJsonObject("model");
    if (!risk.get("status").getAsString().equals("ok")) {
      System.out.println("Sin riesgo de cronicidad: " + risk.get("status").getAsString());
      return;
    }
    System.out.printf(Locale.ROOT, "Riesgo de cronicidad a %d meses: %.2f (%s)%n", risk.get("horizon_months").getAsInt(),
                      risk.get("probability").getAsDouble(), risk.getAsJsonObject("band").get("label").getAsString());
    final JsonArray top = risk.getAsJsonArray("top_factors");
    for (JsonElement element : top) {
      System.out.printf("  eleva el riesgo: %s%n", element.getAsJsonObject().get("label").getAsString());
    }
    if (model.get("status").getAsString().equals("illustrative")) {
      System.out.printf("  AVISO: el modelo %s %s tiene coeficientes ilustrativos; no lo use en casos reales.%n",
                        model.get("id").getAsString(), model.get("version").getAsString());
    }
  }

  public static void main(String[] args) {
    if (pact.pact_version_number() / 10000 != Pact.PACT_VERSION_MAJOR) {
      System.err.println("libpact " + pact.pact_version_string() + " does not match this program's pact.h");
      System.exit(2);
    }
    final String modelPath = args[0];
    final PointerByReference out = new PointerByReference();
    check(pact.pact_instrument_default(out), "pact_instrument_default");
    try (Handle instrument = new Handle(out.getValue(), pact::pact_instrument_free)) {
      check(pact.pact_model_load_file(modelPath, instrument.pointer(), out), "pact_model_load_file");
      try (Handle model = new Handle(out.getValue(), pact::pact_model_free)) {
        final PointerByReference id = new PointerByReference(), version = new PointerByReference(),
                                 hash = new PointerByReference(), status = new PointerByReference();
        check(pact.pact_model_info(model.pointer(), id, version, hash, status), "pact_model_info");
        System.out.printf("pact %s, modelo %s %s (%s)%n%n", pact.pact_version_string(),
                          id.getValue().getString(0, "UTF-8"), version.getValue().getString(0, "UTF-8"),
                          status.getValue().getString(0, "UTF-8"));

        renderQuestionnaire(instrument.pointer());

        final JsonObject assessment = assessment("exp-2024-0193", "2024-05-14", "leon");
        show(score(model.pointer(), assessment.toString()));

        // A typing slip in the form: 9 is not one of the work-status options. pact names the
        // field (a JSON Pointer) and says what it expected; the form marks that field.
        assessment.getAsJsonObject("responses").addProperty("emp_work_status", 9);
        try {
          score(model.pointer(), assessment.toString());
        } catch (PactException e) {
          System.out.printf("%nValoración rechazada: %s%n", e.getMessage());
          System.out.println("Campo a corregir: " + e.where);
        }
        // A file that is not there: an I/O error, and nothing to free.
        try {
          check(pact.pact_model_load_file(modelPath + ".new", instrument.pointer(), out), "pact_model_load_file");
        } catch (PactException e) {
          System.out.println("Modelo no cargado: " + e.getMessage());
        }
      }
    }
  }
}
