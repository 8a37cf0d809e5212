/** Registers every built-in operator, function and aggregate (imported for its side effects). */
import './operators.js';
import './functions/string.js';
import './functions/math.js';
import './functions/datetime.js';
import './functions/misc.js';
import './functions/array.js';
import './functions/to_timestamp.js';
import './functions/json.js';
import './functions/jsonb_ops.js';
import './functions/json_build.js';
import './functions/jsonb_edit.js';
import './functions/jsonb_path.js';
import './functions/to_char.js';
import './functions/similar.js';
import './aggregates.js';
import './json_aggregates.js';
import './json_set_functions.js';
