//! Statements on one table: `add_column` and friends, `change_table` blocks and their `t.*` calls,
//! columns and references.
use super::*;

impl<'s> Rails<'s, '_> {
    pub(super) fn change_table(&mut self, call: &Call<'s>, table: &str) {
        let (body, param) = call.block_statements();
        let param = param.map(|p| self.src.text_of(p).to_owned());
        for node in body {
            let Some(inner) = Call::of(self.src, node) else {
                self.statement(node, None);
                continue;
            };
            let on_table = inner
                .receiver
                .is_some_and(|r| Some(self.src.text_of(r)) == param.as_deref());
            if !on_table {
                self.statement(node, None);
            } else if !self.table_call(&inner, table, true) {
                self.code(node, format!("t.{}", inner.method));
            }
        }
    }

    /// A statement on `table`, its arguments after the table: `add_column :users, <args>` or,
    /// in a `change_table` block (`in_block`), `t.string <args>`. False when not understood.
    pub(super) fn table_call(&mut self, call: &Call<'s>, table: &str, in_block: bool) -> bool {
        let n = call.node;
        let t = || table.to_owned();
        let first = self.name(call.args.first());
        let second = self.name(call.args.get(1));
        let method = call.method.as_str();
        let method = match (in_block, method) {
            (true, "remove") => "remove_columns",
            (true, "rename") => "rename_column",
            (true, "change") => "change_column",
            (true, "change_default") => "change_column_default",
            (true, "change_null") => "change_column_null",
            (true, "column") => "add_column",
            (true, "index") => "add_index",
            (true, "references" | "belongs_to") => "add_reference",
            (true, "remove_references" | "remove_belongs_to") => "remove_reference",
            (true, "timestamps") => "add_timestamps",
            (true, "foreign_key") => "add_foreign_key",
            (true, "check_constraint") => "add_check_constraint",
            (true, ty) if types::RAILS_TYPES.contains(&ty) => {
                for column in call.args.iter().filter_map(|a| ruby::name(self.src, *a)) {
                    self.add_column(call, table, column);
                }
                return true;
            }
            (_, method) => method,
        };
        match (method, first) {
            ("add_column", Some(column)) => self.add_column(call, table, column),
            ("remove_column" | "remove_columns", Some(_)) => {
                let columns = call.args.iter().filter_map(|a| ruby::name(self.src, *a));
                // `remove_column :t, :c, :type`: the third argument is the type.
                let take = if method == "remove_column" {
                    1
                } else {
                    usize::MAX
                };
                for column in columns.take(take).collect::<Vec<_>>() {
                    self.push(n, Change::DropColumn { table: t(), column });
                }
            }
            ("rename_column", Some(from)) => match second {
                Some(to) => self.push(
                    n,
                    Change::RenameColumn {
                        table: t(),
                        from,
                        to,
                    },
                ),
                None => return false,
            },
            ("change_column", Some(column)) => match second {
                Some(ty) => {
                    let to = self.column_type(call, &ty);
                    self.push(
                        n,
                        Change::AlterColumnType {
                            table: t(),
                            column,
                            from: None,
                            to,
                        },
                    );
                }
                None => return false,
            },
            ("change_column_null", Some(column)) => match call.args.get(1).map(|a| a.kind()) {
                Some("true") => self.push(n, Change::DropNotNull { table: t(), column }),
                Some("false") => {
                    if call.args.get(2).is_some_and(|a| a.kind() != "nil") {
                        // The fourth argument first replaces NULLs: an UPDATE .. WHERE c IS NULL.
                        self.push(
                            n,
                            Change::DataChange {
                                table: t(),
                                whole_table: false,
                                columns: vec![column.clone()],
                            },
                        );
                    }
                    self.push(n, Change::SetNotNull { table: t(), column });
                }
                _ => return false,
            },
            ("change_column_default", Some(column)) => {
                let to = if call.kw("from").is_some() || call.kw("to").is_some() {
                    call.kw("to")
                } else {
                    call.args.get(1).copied()
                };
                if to.is_none_or(|v| v.kind() == "nil") {
                    self.push(n, Change::DropDefault { table: t(), column });
                } else {
                    self.push(n, Change::SetDefault { table: t(), column });
                }
            }
            ("add_index" | "add_concurrent_index", _) => {
                let unique = call.kw_true("unique");
                let concurrently =
                    method == "add_concurrent_index" || self.concurrently(call.kw("algorithm"));
                let columns = self.index_columns_of(call.args.first().copied());
                self.push(
                    n,
                    Change::CreateIndex {
                        table: t(),
                        unique,
                        concurrently,
                        columns,
                    },
                );
            }
            ("remove_index" | "remove_concurrent_index" | "remove_concurrent_index_by_name", _) => {
                let concurrently =
                    method != "remove_index" || self.concurrently(call.kw("algorithm"));
                // `unique: true` (kept for `down`) says what the dropped index enforced.
                let unique = (call.kw_true("unique")
                    && method != "remove_concurrent_index_by_name")
                    .then(|| {
                        let columns = match call.kw("column") {
                            Some(column) => self.index_columns_of(Some(column)),
                            None => self.index_columns_of(
                                call.args.first().copied().filter(|a| a.kind() != "pair"),
                            ),
                        };
                        UniqueIndex {
                            table: t(),
                            columns,
                        }
                    });
                self.push(
                    n,
                    Change::DropIndex {
                        concurrently,
                        unique,
                    },
                );
            }
            ("rename_index", _) => self.push(
                n,
                Change::Neutral {
                    what: "rename_index".to_owned(),
                },
            ),
            ("add_reference" | "add_belongs_to", Some(name)) => {
                self.add_reference(call, table, &name)
            }
            ("remove_reference" | "remove_belongs_to", Some(name)) => {
                self.push(
                    n,
                    Change::DropColumn {
                        table: t(),
                        column: format!("{name}_id"),
                    },
                );
                if call.kw("polymorphic").is_some_and(|v| v.kind() != "false") {
                    self.push(
                        n,
                        Change::DropColumn {
                            table: t(),
                            column: format!("{name}_type"),
                        },
                    );
                }
            }
            ("add_timestamps", _) => {
                for column in ["created_at", "updated_at"] {
                    self.add_column(call, table, column.to_owned());
                }
            }
            ("remove_timestamps", _) => {
                for column in ["created_at", "updated_at"] {
                    self.push(
                        n,
                        Change::DropColumn {
                            table: t(),
                            column: column.to_owned(),
                        },
                    );
                }
            }
            ("add_foreign_key" | "add_concurrent_foreign_key" | "add_check_constraint", _) => {
                let mut detail = ConstraintDetail {
                    name: self.name(call.kw("name").as_ref()),
                    check: None,
                    ..Default::default()
                };
                let (kind, columns) = if method == "add_check_constraint" {
                    detail.check = self.plain_string(call.args.first().copied());
                    (
                        ConstraintKind::Check,
                        detail
                            .check
                            .as_deref()
                            .map(crate::schema::sql::expression_names)
                            .unwrap_or_default(),
                    )
                } else {
                    // `add_foreign_key :posts, :users` writes `posts.user_id` unless `column:` says otherwise.
                    let column = self.name(call.kw("column").as_ref()).or_else(|| {
                        self.name(call.args.first())
                            .map(|to| format!("{}_id", singular(&to)))
                    });
                    (ConstraintKind::ForeignKey, column.into_iter().collect())
                };
                // `add_concurrent_foreign_key` adds it NOT VALID, then validates it.
                let not_valid = call.kw_false("validate") || method == "add_concurrent_foreign_key";
                let cascades = call
                    .kw("on_delete")
                    .is_some_and(|a| matches!(self.src.text_of(a), ":cascade" | ":nullify"));
                self.push(
                    n,
                    Change::AddConstraint {
                        table: t(),
                        kind,
                        not_valid,
                        using_index: false,
                        columns,
                        cascades,
                        detail,
                    },
                );
            }
            ("add_text_limit", Some(column)) => {
                let not_valid = call.kw_false("validate");
                // GitLab's helper: CHECK (char_length(column) <= limit).
                let check = self
                    .int(call.args.get(1).copied())
                    .map(|limit| format!("char_length({column}) <= {limit}"));
                self.push(
                    n,
                    Change::AddConstraint {
                        table: t(),
                        kind: ConstraintKind::Check,
                        not_valid,
                        using_index: false,
                        columns: vec![column],
                        cascades: false,
                        detail: ConstraintDetail {
                            name: None,
                            check,
                            ..Default::default()
                        },
                    },
                );
            }
            ("remove_text_limit", Some(column)) => self.push(
                n,
                Change::DropConstraint {
                    table: t(),
                    kind: Some(ConstraintKind::Check),
                    columns: vec![column],
                    detail: ConstraintDetail::default(),
                },
            ),
            ("add_not_null_constraint", Some(column)) => {
                self.push(n, Change::SetNotNull { table: t(), column });
            }
            ("update_column_in_batches", Some(column)) => self.push(
                n,
                Change::DataChange {
                    table: t(),
                    whole_table: false,
                    columns: vec![column],
                },
            ),
            ("add_column_with_default", Some(column)) => {
                // GitLab's helper: NOT NULL unless `allow_null: true`; the default stays.
                self.push(
                    n,
                    Change::AddColumn {
                        table: t(),
                        column,
                        not_null: !call.kw_true("allow_null"),
                        has_default: true,
                        volatile_default: false,
                        default_dropped: false,
                    },
                );
            }
            ("validate_foreign_key" | "validate_check_constraint" | "validate_constraint", _) => {
                self.push(n, Change::ValidateConstraint { table: t() });
            }
            ("remove_foreign_key" | "remove_check_constraint", _) => {
                let kind = if method == "remove_foreign_key" {
                    ConstraintKind::ForeignKey
                } else {
                    ConstraintKind::Check
                };
                // `remove_check_constraint :t, "expression", name: …` (the expression kept for `down`).
                let check = (kind == ConstraintKind::Check)
                    .then(|| self.plain_string(call.args.first().copied()))
                    .flatten();
                let columns = check
                    .as_deref()
                    .map(crate::schema::sql::expression_names)
                    .unwrap_or_default();
                let name = self.name(call.kw("name").as_ref());
                self.push(
                    n,
                    Change::DropConstraint {
                        table: t(),
                        kind: Some(kind),
                        columns,
                        detail: ConstraintDetail {
                            name,
                            check,
                            ..Default::default()
                        },
                    },
                );
            }
            _ => return false,
        }
        true
    }

    /// The text of a plain (not interpolated) string literal.
    fn plain_string(&self, node: Option<Node<'_>>) -> Option<String> {
        match ruby::string(self.src, node?) {
            RubyString::Plain { text, .. } => Some(text),
            RubyString::Interpolated => None,
        }
    }

    /// The columns of `add_index :t, :c` / `[:a, :b]`; an expression string's column names.
    pub(super) fn index_columns_of(&self, arg: Option<Node<'_>>) -> Vec<String> {
        let Some(arg) = arg else {
            return Vec::new();
        };
        if arg.kind() == "array" {
            return children(arg)
                .into_iter()
                .filter_map(|a| ruby::name(self.src, a))
                .collect();
        }
        match ruby::string(self.src, arg) {
            RubyString::Plain { text, .. } if arg.kind() == "string" => {
                crate::schema::sql::expression_names(&text)
            }
            _ => ruby::name(self.src, arg).into_iter().collect(),
        }
    }

    pub(super) fn concurrently(&self, algorithm: Option<Node<'_>>) -> bool {
        algorithm.is_some_and(|a| self.src.text_of(a) == ":concurrently")
    }

    fn column_type(&self, call: &Call<'_>, ty: &str) -> crate::schema::model::ColumnType {
        types::rails(
            ty,
            self.int(call.kw("limit")),
            self.int(call.kw("precision")),
            self.int(call.kw("scale")),
            self.dialect,
        )
    }

    fn add_column(&mut self, call: &Call<'_>, table: &str, column: String) {
        let not_null = if call.method.contains("timestamps") {
            !call.kw_true("null")
        } else {
            call.kw_false("null")
        };
        let default = call.kw("default").filter(|d| d.kind() != "nil");
        let volatile_default = default
            .is_some_and(|d| d.kind() == "lambda" && types::calls_volatile(self.src.text_of(d)));
        self.push(
            call.node,
            Change::AddColumn {
                table: table.to_owned(),
                column,
                not_null,
                has_default: default.is_some(),
                volatile_default,
                default_dropped: false,
            },
        );
    }

    fn add_reference(&mut self, call: &Call<'_>, table: &str, name: &str) {
        let n = call.node;
        let t = || table.to_owned();
        self.add_column(call, table, format!("{name}_id"));
        let polymorphic = call.kw("polymorphic").is_some_and(|v| v.kind() != "false");
        if polymorphic {
            self.add_column(call, table, format!("{name}_type"));
        }
        match call.kw("index") {
            Some(index) if index.kind() == "false" => {}
            Some(index) if index.kind() == "hash" => {
                let pairs = children(index);
                let option = |key: &str| {
                    pairs.iter().find_map(|p| {
                        let k = p.child_by_field_name("key")?;
                        let v = p.child_by_field_name("value")?;
                        (ruby::name(self.src, k).as_deref() == Some(key)).then_some(v)
                    })
                };
                let unique = option("unique").is_some_and(|v| v.kind() == "true");
                let concurrently = self.concurrently(option("algorithm"));
                self.push(
                    n,
                    Change::CreateIndex {
                        table: t(),
                        unique,
                        concurrently,
                        columns: Vec::new(),
                    },
                );
            }
            _ => self.push(
                n,
                Change::CreateIndex {
                    table: t(),
                    unique: false,
                    concurrently: false,
                    columns: Vec::new(),
                },
            ),
        }
        let foreign_key = call
            .kw("foreign_key")
            .filter(|v| !matches!(v.kind(), "false" | "nil"));
        if let Some(fk) = foreign_key {
            let not_valid = fk.kind() == "hash"
                && self
                    .src
                    .text_of(fk)
                    .replace(' ', "")
                    .contains("validate:false");
            self.push(
                n,
                Change::AddConstraint {
                    table: t(),
                    kind: ConstraintKind::ForeignKey,
                    not_valid,
                    using_index: false,
                    columns: Vec::new(),
                    cascades: false,
                    detail: Default::default(),
                },
            );
        }
    }
}

/// The singular Rails makes of a table name for a foreign key column: `users` → `user`.
fn singular(table: &str) -> String {
    let table = table.rsplit('.').next().unwrap_or(table);
    if let Some(stem) = table.strip_suffix("ies") {
        format!("{stem}y")
    } else if let Some(stem) = table.strip_suffix("ses") {
        format!("{stem}s")
    } else {
        table.strip_suffix('s').unwrap_or(table).to_owned()
    }
}
