//! Column types normalised, so that `character varying(50)` and `varchar(50)` compare equal.
use sqlparser::ast::DataType;

use crate::schema::model::ColumnType;

/// The normalised type: base name lower-cased and unaliased, numeric arguments kept
/// (length, or precision and scale); integer display widths (`INT(11)`) dropped.
pub(super) fn column_type(data_type: &DataType) -> ColumnType {
    let written = data_type.to_string().to_lowercase();
    let (name, args) = match (written.find('('), written.find(')')) {
        (Some(open), Some(close)) if open < close => {
            let args = numbers(&written[open + 1..close]);
            let name = format!("{} {}", &written[..open], &written[close + 1..]);
            (name, args)
        }
        _ => (written, Vec::new()),
    };
    let name = name.split_whitespace().collect::<Vec<_>>().join(" ");
    let name = normalise(&name);
    let args = if is_integer(&name) { Vec::new() } else { args };
    ColumnType { name, args }
}

/// `10, 2` → `[10, 2]`; anything not a list of numbers (`'a', 'b'` of an `ENUM`) → `[]`.
fn numbers(list: &str) -> Vec<u64> {
    list.split(',')
        .map(|n| n.trim().parse::<u64>())
        .collect::<Result<Vec<_>, _>>()
        .unwrap_or_default()
}

fn is_integer(name: &str) -> bool {
    let base = name.split(' ').next().unwrap_or(name);
    matches!(
        base,
        "integer" | "bigint" | "smallint" | "tinyint" | "mediumint"
    )
}

/// One name per type, whatever alias was written; `[]` and MySQL modifiers kept as suffixes.
fn normalise(name: &str) -> String {
    if let Some(element) = name.strip_suffix("[]") {
        return format!("{}[]", normalise(element));
    }
    for suffix in [" unsigned", " zerofill", " signed"] {
        if let Some(base) = name.strip_suffix(suffix) {
            return format!("{}{suffix}", normalise(base));
        }
    }
    let canonical = match name {
        "character varying" | "char varying" | "varchar" | "nvarchar" => "varchar",
        "character" | "char" | "bpchar" | "nchar" => "char",
        "int" | "int4" | "integer" => "integer",
        "int8" | "bigint" => "bigint",
        "int2" | "smallint" => "smallint",
        "timestamp" | "timestamp without time zone" => "timestamp",
        "timestamptz" | "timestamp with time zone" => "timestamptz",
        "time" | "time without time zone" => "time",
        "timetz" | "time with time zone" => "timetz",
        "decimal" | "dec" | "numeric" => "numeric",
        "bool" | "boolean" => "boolean",
        "float8" | "double precision" | "double" => "double precision",
        "float4" | "real" => "real",
        other => other,
    };
    canonical.to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use sqlparser::dialect::PostgreSqlDialect;
    use sqlparser::parser::Parser;

    fn parsed(sql_type: &str) -> ColumnType {
        let dialect = PostgreSqlDialect {};
        let mut parser = Parser::new(&dialect)
            .try_with_sql(sql_type)
            .expect("tokens");
        column_type(&parser.parse_data_type().expect("a type"))
    }

    fn ty(name: &str, args: &[u64]) -> ColumnType {
        ColumnType {
            name: name.to_owned(),
            args: args.to_vec(),
        }
    }

    #[test]
    fn aliases_become_one_name() {
        assert_eq!(parsed("character varying(50)"), ty("varchar", &[50]));
        assert_eq!(parsed("VARCHAR(100)"), ty("varchar", &[100]));
        assert_eq!(parsed("int4"), ty("integer", &[]));
        assert_eq!(parsed("int"), ty("integer", &[]));
        assert_eq!(parsed("int8"), ty("bigint", &[]));
        assert_eq!(parsed("int2"), ty("smallint", &[]));
        assert_eq!(parsed("timestamp without time zone"), ty("timestamp", &[]));
        assert_eq!(
            parsed("timestamp(3) with time zone"),
            ty("timestamptz", &[3])
        );
        assert_eq!(parsed("timestamptz"), ty("timestamptz", &[]));
        assert_eq!(parsed("decimal(10,2)"), ty("numeric", &[10, 2]));
        assert_eq!(parsed("bool"), ty("boolean", &[]));
        assert_eq!(parsed("float8"), ty("double precision", &[]));
        assert_eq!(parsed("double precision"), ty("double precision", &[]));
        assert_eq!(parsed("text"), ty("text", &[]));
        assert_eq!(parsed("int[]"), ty("integer[]", &[]));
    }
}
