//! The JSON-lines traffic format. (Being written by the sources helper.)
