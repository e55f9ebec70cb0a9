/// The R prelude: `wb` (a list of functions) built from literals of the context, as papermill's R translator does,
/// so nothing needs installing (R has no JSON reader of its own). Tables are data.frames read with the `arrow`
/// package when it is installed, else from CSV.
enum RPrelude {
  static func text(_ c: ScriptContext) -> String {
    func named(_ pairs: [(String, String)]) -> String {
      "list(" + pairs.map { "`\($0.0)` = \($0.1)" }.joined(separator: ", ") + ")"
    }
    let q = ScriptValue.quoted
    let inputs = named(c.inputs.map { i in
      let columns = "c(" + i.columns.map { "`\($0.name)` = \(q($0.type))" }.joined(separator: ", ") + ")"
      return (i.name, "list(kind = \(q(i.kind.rawValue)), path = \(q(i.path)), format = \(q(i.format?.rawValue ?? "")), columns = \(columns))")
    })
    let tables = named(c.tables.map { ($0, q(c.tablePath($0))) })
    let figures = named(c.figures.map { ($0, q(c.outputPath($0))) })
    let files = named(c.files.map { ($0, q(c.outputPath($0))) })
    let metrics = "c(" + c.metrics.map(q).joined(separator: ", ") + ")"
    return """
    options(scipen = 100, warn = 1)
    wb <- local({
      ctx <- list(cell = \(q(c.cell)), seed = \(c.seed)L, format = \(q(c.tableFormat.rawValue)),
                  params = \(ScriptValue.object(c.params).rLiteral), inputs = \(inputs),
                  tables = \(tables), figures = \(figures), files = \(files), metrics = \(metrics))
      recorded <- list()
      declared <- function(group, name) {
        p <- ctx[[group]][[name]]
        if (is.null(p)) stop(sprintf("'%s' is not a declared output: add it under `outputs: {%s: [...]}`", name, group), call. = FALSE)
        p
      }
      input_of <- function(name) {
        i <- ctx$inputs[[name]]
        if (is.null(i)) stop(sprintf("no input '%s': declared inputs are %s", name, paste(names(ctx$inputs), collapse = ", ")), call. = FALSE)
        i
      }
      table <- function(name) {
        i <- input_of(name)
        if (i$kind != "table") stop(sprintf("input '%s' is a file, not a table: open wb$input('%s')", name, name), call. = FALSE)
        if (i$format == "arrow") return(as.data.frame(arrow::read_ipc_file(i$path)))
        classes <- c(int = "numeric", float = "numeric", string = "character", bool = "logical")[unname(i$columns)]
        names(classes) <- names(i$columns)
        utils::read.csv(i$path, colClasses = classes, na.strings = "", stringsAsFactors = FALSE, check.names = FALSE,
                        encoding = "UTF-8")
      }
      save_table <- function(name, df) {
        path <- declared("tables", name)
        df <- as.data.frame(df)
        if (ctx$format == "arrow") {
          arrow::write_ipc_file(df, path, compression = "uncompressed")
          return(invisible(path))
        }
        for (n in names(df)) {
          x <- df[[n]]
          if (is.logical(x)) df[[n]] <- ifelse(is.na(x), NA, ifelse(x, "true", "false"))
          else if (is.factor(x)) df[[n]] <- as.character(x)
        }
        utils::write.csv(df, path, row.names = FALSE, na = "", fileEncoding = "UTF-8")
        invisible(path)
      }
      metric <- function(name, value) {
        if (!(name %in% ctx$metrics)) stop(sprintf("'%s' is not a declared metric: add it under `outputs: {metrics: [...]}`", name), call. = FALSE)
        recorded[[name]] <<- value
        text <- vapply(names(recorded), function(n) {
          v <- recorded[[n]]
          val <- if (length(v) != 1 || is.na(v)) "null" else if (is.character(v)) encodeString(v, quote = '"')
                 else if (is.logical(v)) tolower(as.character(v)) else format(v, digits = 17)
          paste0(encodeString(n, quote = '"'), ": ", val)
        }, "")
        writeLines(paste0("{", paste(text, collapse = ", "), "}"), \(q(c.metricsPath)))
        invisible(value)
      }
      list(table = table, save_table = save_table, metric = metric,
           figure = function(name) declared("figures", name), output = function(name) declared("files", name),
           input = function(name) input_of(name)$path, params = ctx$params, seed = ctx$seed, cell = ctx$cell)
    })
    set.seed(wb$seed)
    local({
      state <- new.env()
      state$line <- NA
      tryCatch({
        exprs <- parse(file = \(q(c.codePath)), keep.source = TRUE, encoding = "UTF-8")
        refs <- attr(exprs, "srcref")
        for (k in seq_along(exprs)) {
          state$line <- refs[[k]][1]
          eval(exprs[[k]], envir = globalenv())
        }
      }, error = function(e) {
        line <- if (is.na(state$line)) "null" else as.character(state$line)
        writeLines(paste0('{"type": "error", "message": ', encodeString(conditionMessage(e), quote = '"'), ', "line": ', line, "}"),
                   \(q(c.errorPath)))
        message("Error: ", conditionMessage(e))
        quit(save = "no", status = 1)
      })
    })

    """
  }
}
