/** Registers every built-in operator, function and aggregate (imported for its side effects). */
import './operators.js';
import './functions/string.js';
import './functions/math.js';
import './functions/datetime.js';
import './functions/misc.js';
import './functions/array.js';
import './functions/to_timestamp.js';
import './functions/to_char.js';
import './functions/similar.js';
import './aggregates.js';
