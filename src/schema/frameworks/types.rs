//! Framework column types mapped to SQL-ish [`ColumnType`]s, and volatile default functions.
use crate::config::schema::Dialect;
use crate::schema::model::ColumnType;

/// SQL functions whose value differs per row: a column added with one as its default rewrites the table.
const VOLATILE_FUNCTIONS: &[&str] = &[
    "gen_random_uuid",
    "uuid_generate_v1",
    "uuid_generate_v1mc",
    "uuid_generate_v4",
    "uuidv4",
    "uuidv7",
    "random",
    "clock_timestamp",
    "timeofday",
    "nextval",
    "uuid",
];

/// Whether SQL text calls a volatile function (`gen_random_uuid()`, `random()`, …).
pub(crate) fn calls_volatile(sql: &str) -> bool {
    let sql = sql.to_ascii_lowercase();
    VOLATILE_FUNCTIONS.iter().any(|f| {
        sql.match_indices(f).any(|(i, _)| {
            let before = sql[..i].chars().next_back();
            let after = sql[i + f.len()..].trim_start();
            !before.is_some_and(|c| c.is_ascii_alphanumeric() || c == '_') && after.starts_with('(')
        })
    })
}

fn ty(name: &str, args: Vec<u64>) -> ColumnType {
    ColumnType {
        name: name.to_owned(),
        args,
    }
}

/// A Rails column type (`:string`, `:decimal`, …) with its `limit:`, `precision:` and `scale:`.
pub(crate) fn rails(
    name: &str,
    limit: Option<u64>,
    precision: Option<u64>,
    scale: Option<u64>,
    dialect: Dialect,
) -> ColumnType {
    let mysql = dialect == Dialect::Mysql;
    match name {
        "string" => ty(
            "varchar",
            limit.or(mysql.then_some(255)).into_iter().collect(),
        ),
        "text" => ty("text", Vec::new()),
        "integer" => match limit {
            Some(1..=2) => ty("smallint", Vec::new()),
            Some(5..) => ty("bigint", Vec::new()),
            _ => ty("integer", Vec::new()),
        },
        "bigint" => ty("bigint", Vec::new()),
        "float" => ty(if mysql { "float" } else { "double precision" }, Vec::new()),
        "decimal" | "numeric" => ty(
            if mysql { "decimal" } else { "numeric" },
            precision.into_iter().chain(scale).collect(),
        ),
        "boolean" => ty(if mysql { "tinyint" } else { "boolean" }, Vec::new()),
        "datetime" | "timestamp" => ty(
            if mysql { "datetime" } else { "timestamp" },
            precision.into_iter().collect(),
        ),
        "timestamptz" => ty("timestamptz", precision.into_iter().collect()),
        "binary" | "blob" => ty(if mysql { "blob" } else { "bytea" }, Vec::new()),
        "primary_key" => ty("bigint", Vec::new()),
        other => ty(other, Vec::new()),
    }
}

/// The Rails column types `t.<type>` and `add_column` accept (besides any adapter-specific name).
pub(crate) const RAILS_TYPES: &[&str] = &[
    "bigint",
    "binary",
    "bit",
    "bit_varying",
    "blob",
    "boolean",
    "box",
    "char",
    "cidr",
    "circle",
    "citext",
    "column",
    "date",
    "daterange",
    "datetime",
    "decimal",
    "enum",
    "float",
    "hstore",
    "inet",
    "int4range",
    "int8range",
    "integer",
    "interval",
    "json",
    "jsonb",
    "line",
    "lseg",
    "ltree",
    "macaddr",
    "money",
    "numeric",
    "numrange",
    "oid",
    "path",
    "point",
    "polygon",
    "primary_key",
    "string",
    "text",
    "time",
    "timestamp",
    "timestamptz",
    "tsrange",
    "tstzrange",
    "tsvector",
    "uuid",
    "virtual",
    "xml",
];

/// A Django field class (`CharField`, …) with its `max_length`, `max_digits`, `decimal_places`.
pub(crate) fn django(
    field: &str,
    max_length: Option<u64>,
    max_digits: Option<u64>,
    decimal_places: Option<u64>,
    dialect: Dialect,
) -> ColumnType {
    let pg = dialect == Dialect::Postgres;
    let varchar = |default: u64| ty("varchar", vec![max_length.unwrap_or(default)]);
    match field {
        "CharField" => ty("varchar", max_length.into_iter().collect()),
        "SlugField" => varchar(50),
        "EmailField" => varchar(254),
        "URLField" => varchar(200),
        "FileField" | "ImageField" | "FilePathField" => varchar(100),
        "TextField" => ty(if pg { "text" } else { "longtext" }, Vec::new()),
        "IntegerField" | "PositiveIntegerField" | "AutoField" => ty("integer", Vec::new()),
        "SmallIntegerField" | "PositiveSmallIntegerField" | "SmallAutoField" => {
            ty("smallint", Vec::new())
        }
        "BigIntegerField"
        | "PositiveBigIntegerField"
        | "BigAutoField"
        | "ForeignKey"
        | "OneToOneField" => ty("bigint", Vec::new()),
        "BooleanField" | "NullBooleanField" => ty(if pg { "boolean" } else { "bool" }, Vec::new()),
        "DateField" => ty("date", Vec::new()),
        "DateTimeField" => match dialect {
            Dialect::Postgres => ty("timestamptz", Vec::new()),
            Dialect::Mysql => ty("datetime", vec![6]),
            Dialect::Sqlite => ty("datetime", Vec::new()),
        },
        "TimeField" => ty("time", Vec::new()),
        "DurationField" => ty(if pg { "interval" } else { "bigint" }, Vec::new()),
        "DecimalField" => ty(
            "numeric",
            max_digits.into_iter().chain(decimal_places).collect(),
        ),
        "FloatField" => ty(if pg { "double precision" } else { "real" }, Vec::new()),
        "UUIDField" => {
            if pg {
                ty("uuid", Vec::new())
            } else {
                ty("char", vec![32])
            }
        }
        "JSONField" => ty(if pg { "jsonb" } else { "json" }, Vec::new()),
        "BinaryField" => ty(if pg { "bytea" } else { "blob" }, Vec::new()),
        "GenericIPAddressField" => {
            if pg {
                ty("inet", Vec::new())
            } else {
                ty("char", vec![39])
            }
        }
        "ArrayField" => ty("array", Vec::new()),
        // Project fields named after the Django field they extend (`BoundedBigIntegerField`,
        // `FlexibleForeignKey`) store what it stores.
        other if other != base_field(other) => django(
            base_field(other),
            max_length,
            max_digits,
            decimal_places,
            dialect,
        ),
        other => ty(
            &other
                .strip_suffix("Field")
                .unwrap_or(other)
                .to_ascii_lowercase(),
            Vec::new(),
        ),
    }
}

/// The Django field a project field's name ends with (`BoundedPositiveIntegerField` →
/// `PositiveIntegerField`), or the name itself.
fn base_field(name: &str) -> &str {
    const BASES: &[&str] = &[
        "PositiveBigIntegerField",
        "PositiveSmallIntegerField",
        "PositiveIntegerField",
        "BigIntegerField",
        "SmallIntegerField",
        "IntegerField",
        "BigAutoField",
        "SmallAutoField",
        "AutoField",
        "ForeignKey",
        "OneToOneField",
        "CharField",
        "TextField",
        "JSONField",
        "BooleanField",
        "DateTimeField",
        "UUIDField",
        "FloatField",
        "DecimalField",
    ];
    BASES
        .iter()
        .find(|base| name.len() > base.len() && name.ends_with(*base))
        .copied()
        .unwrap_or(name)
}

/// A SQLAlchemy type (`String`, `sa.Numeric`, `postgresql.JSONB`, …) with its arguments.
pub(crate) fn sqlalchemy(name: &str, args: &[u64], timezone: bool) -> ColumnType {
    let first = || args.iter().take(1).copied().collect::<Vec<_>>();
    match name.to_ascii_lowercase().as_str() {
        "string" | "unicode" | "varchar" | "nvarchar" => ty("varchar", first()),
        "char" | "nchar" => ty("char", first()),
        "text" | "unicodetext" => ty("text", Vec::new()),
        "integer" | "int" => ty("integer", Vec::new()),
        "biginteger" | "bigint" => ty("bigint", Vec::new()),
        "smallinteger" | "smallint" => ty("smallint", Vec::new()),
        "boolean" => ty("boolean", Vec::new()),
        "date" => ty("date", Vec::new()),
        "datetime" | "timestamp" => ty(
            if timezone { "timestamptz" } else { "timestamp" },
            Vec::new(),
        ),
        "time" => ty("time", Vec::new()),
        "interval" => ty("interval", Vec::new()),
        "numeric" | "decimal" => ty("numeric", args.iter().take(2).copied().collect()),
        "float" | "double" | "double_precision" => ty("double precision", Vec::new()),
        "real" => ty("real", Vec::new()),
        "largebinary" | "bytea" => ty("bytea", Vec::new()),
        "json" => ty("json", Vec::new()),
        "jsonb" => ty("jsonb", Vec::new()),
        "uuid" | "uuid_" => ty("uuid", Vec::new()),
        "enum" => ty("enum", Vec::new()),
        "array" => ty("array", Vec::new()),
        other => ty(other, Vec::new()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn volatile_functions_are_told_apart_from_names_that_contain_them() {
        assert!(calls_volatile("gen_random_uuid()"));
        assert!(calls_volatile("RANDOM ()"));
        assert!(!calls_volatile("now()"));
        assert!(!calls_volatile("my_random()"));
        assert!(!calls_volatile("'random'"));
    }

    #[test]
    fn types_map_with_their_arguments() {
        let pg = Dialect::Postgres;
        assert_eq!(
            rails("string", Some(50), None, None, pg),
            ty("varchar", vec![50])
        );
        assert_eq!(
            rails("integer", Some(8), None, None, pg),
            ty("bigint", vec![])
        );
        assert_eq!(
            rails("decimal", None, Some(10), Some(2), pg),
            ty("numeric", vec![10, 2])
        );
        assert_eq!(
            django("CharField", Some(50), None, None, pg),
            ty("varchar", vec![50])
        );
        assert_eq!(
            django("BigIntegerField", None, None, None, pg),
            ty("bigint", vec![])
        );
        assert_eq!(sqlalchemy("String", &[50], false), ty("varchar", vec![50]));
        assert_eq!(sqlalchemy("DateTime", &[], true), ty("timestamptz", vec![]));
    }
}
