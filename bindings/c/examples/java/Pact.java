// pact.h for Java through JNA (Debian: libjna-java), with no native code of its own: the
// functions and structures a Java host uses, mapped one to one. Copy this file into a host and
// load libpact.so with -Djna.library.path=<its directory> (or from the system's library path).
//
// Mapping rules (docs/c-api.md): size_t is SizeT, an IntegerType of Native.SIZE_T_SIZE bytes;
// handles (pact_instrument*, pact_model*) are opaque Pointers; const char* results are Strings
// (owned by pact); char** results are PointerByReference, read with getString(0, "UTF-8") and
// released with pact_string_free; the info structures carry struct_size first, which sized()
// sets. Used by PactExample.java (ctest c.java) and docs/tutorials/java (ctest tutorial.java).

import com.sun.jna.IntegerType;
import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import com.sun.jna.Structure;
import com.sun.jna.ptr.IntByReference;
import com.sun.jna.ptr.PointerByReference;

import java.util.Map;

/** The functions of pact.h; strings cross as UTF-8. */
public interface Pact extends Library {
  Pact LIB = Native.load("pact", Pact.class, Map.of(Library.OPTION_STRING_ENCODING, "UTF-8"));

  int PACT_VERSION_MAJOR = 0;  // of the pact.h this file was written against
  int PACT_OK = 0, PACT_ERROR_INVALID_ARGUMENT = -1, PACT_ERROR_PARSE = -2, PACT_ERROR_VALIDATION = -3,
      PACT_ERROR_IO = -4, PACT_ERROR_OUT_OF_MEMORY = -5, PACT_ERROR_LIMIT = -6, PACT_ERROR_INTERNAL = -99;
  int PACT_RESPONSE_ORDINAL = 0, PACT_RESPONSE_YES_NO = 1, PACT_RESPONSE_COUNT = 2, PACT_RESPONSE_MONTHS = 3,
      PACT_RESPONSE_AMOUNT = 4;

  int pact_version_number();
  String pact_version_string();
  String pact_last_error();
  String pact_last_error_where();
  String pact_status_name(int status);
  void pact_string_free(Pointer string);

  int pact_instrument_default(PointerByReference out);
  int pact_instrument_load_file(String path, PointerByReference out);
  void pact_instrument_free(Pointer instrument);
  int pact_instrument_info(Pointer instrument, PointerByReference id, PointerByReference version,
                           PointerByReference hash);
  int pact_instrument_name(Pointer instrument, String lang, PointerByReference name);
  SizeT pact_instrument_dimension_count(Pointer instrument);
  SizeT pact_instrument_item_count(Pointer instrument);
  SizeT pact_instrument_level_count(Pointer instrument);
  int pact_instrument_dimension(Pointer instrument, SizeT index, String lang, DimensionInfo out);
  int pact_instrument_item(Pointer instrument, SizeT index, String lang, ItemInfo out);
  int pact_instrument_option(Pointer instrument, SizeT item, SizeT option, String lang, OptionInfo out);
  int pact_instrument_level(Pointer instrument, SizeT index, String lang, LevelInfo out);

  int pact_model_default(PointerByReference out);
  int pact_model_load_file(String path, Pointer instrument, PointerByReference out);
  void pact_model_free(Pointer model);
  Pointer pact_model_instrument(Pointer model);
  int pact_model_info(Pointer model, PointerByReference id, PointerByReference version, PointerByReference hash,
                      PointerByReference status);
  int pact_model_horizon(Pointer model, IntByReference months);
  int pact_model_band(Pointer model, SizeT index, String lang, BandInfo out);

  int pact_instrument_score_json(Pointer instrument, byte[] json, SizeT length, String lang,
                                 PointerByReference result);
  int pact_model_score_json(Pointer model, byte[] json, SizeT length, String lang, PointerByReference result);
  int pact_model_score_batch(Pointer model, double[] responses, SizeT rows, SizeT rowStride, int threads,
                             BatchOutput output, BatchSummary summary);

  /** size_t. */
  final class SizeT extends IntegerType {
    private static final long serialVersionUID = 1L;
    public SizeT() { this(0); }
    public SizeT(long value) { super(Native.SIZE_T_SIZE, value, true); }
  }

  /** A caller structure: struct_size first, set to the structure's size by sized(). */
  abstract class Sized extends Structure {
    public SizeT struct_size;
    protected Sized() {
      setStringEncoding("UTF-8");
    }
    /** Sets struct_size, which tells pact which version of the structure the caller has. */
    @SuppressWarnings("unchecked")
    public <T extends Sized> T sized() {
      struct_size = new SizeT(size());
      return (T) this;
    }
  }

  @Structure.FieldOrder({"struct_size", "id", "label", "description", "weight", "normalized_weight", "min_coverage",
                         "deprivation_cutoff", "critical_cutoff", "item_count"})
  final class DimensionInfo extends Sized {
    public String id, label, description;
    public double weight, normalized_weight, min_coverage, deprivation_cutoff, critical_cutoff;
    public SizeT item_count;
  }

  @Structure.FieldOrder({"struct_size", "id", "dimension_id", "dimension_index", "label", "question", "type",
                         "required", "weight", "weight_in_dimension", "critical_cutoff", "option_count", "min_value",
                         "max_value", "unit"})
  final class ItemInfo extends Sized {
    public String id, dimension_id;
    public SizeT dimension_index;
    public String label, question;
    public int type, required;
    public double weight, weight_in_dimension, critical_cutoff;
    public SizeT option_count;
    public double min_value, max_value;
    public String unit;
  }

  @Structure.FieldOrder({"struct_size", "value", "label", "anchor", "severity"})
  final class OptionInfo extends Sized {
    public int value;
    public String label, anchor;
    public double severity;
  }

  @Structure.FieldOrder({"struct_size", "id", "label", "description", "min_score"})
  final class LevelInfo extends Sized {
    public String id, label, description;
    public double min_score;
  }

  @Structure.FieldOrder({"struct_size", "id", "label", "min_probability"})
  final class BandInfo extends Sized {
    public String id, label;
    public double min_probability;
  }

  @Structure.FieldOrder({"struct_size", "dimension_scores", "dimension_coverage", "item_severities", "composite",
                         "composite_coverage", "level", "deprivation_score", "deprived_count", "status", "error_item",
                         "linear_predictor", "risk", "band", "risk_status", "imputed_features"})
  final class BatchOutput extends Sized {
    public Pointer dimension_scores, dimension_coverage, item_severities, composite, composite_coverage, level,
        deprivation_score, deprived_count, status, error_item, linear_predictor, risk, band, risk_status,
        imputed_features;
  }

  @Structure.FieldOrder({"struct_size", "rows", "scored", "rejected"})
  final class BatchSummary extends Sized {
    public SizeT rows, scored, rejected;
  }
}
