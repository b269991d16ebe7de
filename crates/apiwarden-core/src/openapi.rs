//! OpenAPI import and export. (Being written by the OpenAPI helper.)
