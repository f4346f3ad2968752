//! `cimi.Table`: a table of the community (members, events, statistics…) as
//! Arrow data. It implements the Arrow PyCapsule interface
//! (`__arrow_c_stream__`, `__arrow_c_schema__`), so `polars.DataFrame(t)`,
//! `pyarrow.table(t)`, `pandas.DataFrame.from_arrow(t)` and duckdb read its
//! columns where they are, without cimi depending on any of them; the export
//! itself is pyo3-arrow's. For plain Python it converts to a dict of lists
//! (`to_pydict()`, `dict(t)`, `t["email"]`) or a list of row dicts
//! (`to_pylist()`).

use std::sync::Arc;

use arrow_array::cast::AsArray;
use arrow_array::types::{Float64Type, Int64Type, TimestampMicrosecondType};
use arrow_array::{Array, ArrayRef, RecordBatch, StructArray};
use arrow_schema::{DataType, Field, TimeUnit};
use chrono::DateTime;
use pyo3::exceptions::{PyKeyError, PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyCapsule, PyDict, PyList, PyString};
use pyo3_arrow::ffi::{ArrayIterator, to_schema_pycapsule, to_stream_pycapsule};

/// A table: one Arrow record batch with a fixed schema.
#[pyclass(module = "cimi", name = "Table", frozen)]
pub struct PyTable {
    batch: RecordBatch,
}

impl PyTable {
    /// Wraps a record batch.
    pub fn new(batch: RecordBatch) -> Self {
        PyTable { batch }
    }

    /// The column named `name`, if any.
    fn named(&self, name: &str) -> Option<&ArrayRef> {
        self.batch.column_by_name(name)
    }
}

/// A column as a Python list (`None` for absent values).
fn column_to_list<'py>(py: Python<'py>, array: &dyn Array) -> PyResult<Bound<'py, PyList>> {
    let n = array.len();
    let valid = |i: usize| array.is_valid(i);
    match array.data_type() {
        DataType::Int64 => {
            let a = array.as_primitive::<Int64Type>();
            PyList::new(py, (0..n).map(|i| valid(i).then(|| a.value(i))))
        }
        DataType::Float64 => {
            let a = array.as_primitive::<Float64Type>();
            PyList::new(py, (0..n).map(|i| valid(i).then(|| a.value(i))))
        }
        DataType::Boolean => {
            let a = array.as_boolean();
            PyList::new(py, (0..n).map(|i| valid(i).then(|| a.value(i))))
        }
        DataType::LargeUtf8 => {
            let a = array.as_string::<i64>();
            PyList::new(py, (0..n).map(|i| valid(i).then(|| a.value(i))))
        }
        DataType::Timestamp(TimeUnit::Microsecond, _) => {
            let a = array.as_primitive::<TimestampMicrosecondType>();
            let items = (0..n)
                .map(|i| {
                    valid(i)
                        .then(|| {
                            DateTime::from_timestamp_micros(a.value(i)).ok_or_else(|| {
                                PyValueError::new_err("an instant out of the datetime range")
                            })
                        })
                        .transpose()
                })
                .collect::<PyResult<Vec<_>>>()?;
            PyList::new(py, items)
        }
        DataType::List(_) => {
            let a = array.as_list::<i32>();
            let items = (0..n)
                .map(|i| {
                    valid(i)
                        .then(|| column_to_list(py, a.value(i).as_ref()))
                        .transpose()
                })
                .collect::<PyResult<Vec<_>>>()?;
            PyList::new(py, items)
        }
        other => Err(PyTypeError::new_err(format!(
            "a column of type {other} has no Python conversion"
        ))),
    }
}

#[pymethods]
impl PyTable {
    /// Exports the table as an Arrow C stream (the Arrow PyCapsule
    /// interface), cast to `requested_schema` when given and possible.
    #[pyo3(signature = (requested_schema=None))]
    fn __arrow_c_stream__<'py>(
        &self,
        py: Python<'py>,
        requested_schema: Option<Bound<'py, PyCapsule>>,
    ) -> PyResult<Bound<'py, PyCapsule>> {
        if let Some(capsule) = &requested_schema
            && !capsule.is_valid_checked(Some(c"arrow_schema"))
        {
            return Err(PyTypeError::new_err(
                "requested_schema: expected an 'arrow_schema' PyCapsule",
            ));
        }
        let schema = self.batch.schema();
        let field = Field::new_struct("", schema.fields().clone(), false)
            .with_metadata(schema.metadata().clone());
        let array: ArrayRef = Arc::new(StructArray::from(self.batch.clone()));
        let reader = Box::new(ArrayIterator::new(
            std::iter::once(Ok(array)),
            Arc::new(field),
        ));
        Ok(to_stream_pycapsule(py, reader, requested_schema)?)
    }

    /// Exports the table's schema as an Arrow C schema (the Arrow PyCapsule
    /// interface).
    fn __arrow_c_schema__<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyCapsule>> {
        Ok(to_schema_pycapsule(py, self.batch.schema().as_ref())?)
    }

    /// Number of rows.
    #[getter]
    fn num_rows(&self) -> usize {
        self.batch.num_rows()
    }

    /// Number of columns.
    #[getter]
    fn num_columns(&self) -> usize {
        self.batch.num_columns()
    }

    /// The column names, in order.
    #[getter]
    fn column_names(&self) -> Vec<String> {
        self.batch
            .schema()
            .fields()
            .iter()
            .map(|f| f.name().clone())
            .collect()
    }

    /// The column names, in order (as `dict.keys()`, so that `dict(t)` works).
    fn keys(&self) -> Vec<String> {
        self.column_names()
    }

    /// The columns as lists, in order.
    fn values<'py>(&self, py: Python<'py>) -> PyResult<Vec<Bound<'py, PyList>>> {
        self.batch
            .columns()
            .iter()
            .map(|c| column_to_list(py, c.as_ref()))
            .collect()
    }

    /// `(name, list)` pairs, in order.
    fn items<'py>(&self, py: Python<'py>) -> PyResult<Vec<(String, Bound<'py, PyList>)>> {
        Ok(self
            .column_names()
            .into_iter()
            .zip(self.values(py)?)
            .collect())
    }

    /// The table as a `dict` of lists (column name → values, `None` where
    /// a value is absent, instants as aware `datetime`s in UTC).
    fn to_pydict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let d = PyDict::new(py);
        for (field, column) in self
            .batch
            .schema()
            .fields()
            .iter()
            .zip(self.batch.columns())
        {
            d.set_item(field.name(), column_to_list(py, column.as_ref())?)?;
        }
        Ok(d)
    }

    /// The rows as a list of dicts (column name → value).
    fn to_pylist<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        let names: Vec<Bound<'py, PyString>> = self
            .batch
            .schema()
            .fields()
            .iter()
            .map(|f| PyString::new(py, f.name()))
            .collect();
        let columns = self.values(py)?;
        let rows = PyList::empty(py);
        for i in 0..self.batch.num_rows() {
            let row = PyDict::new(py);
            for (name, column) in names.iter().zip(&columns) {
                row.set_item(name, column.get_item(i)?)?;
            }
            rows.append(row)?;
        }
        Ok(rows)
    }

    /// The column `name` as a list (`KeyError` if there is none).
    fn __getitem__<'py>(
        &self,
        py: Python<'py>,
        name: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyList>> {
        let key = name.cast::<PyString>().map_err(|_| {
            PyTypeError::new_err(format!(
                "a column name is a str, got {}",
                crate::convert::type_name(name)
            ))
        })?;
        let column = key
            .to_str()
            .ok()
            .and_then(|k| self.named(k))
            .ok_or_else(|| PyKeyError::new_err(name.clone().unbind()))?;
        column_to_list(py, column.as_ref())
    }

    /// Whether the table has a column of that name.
    fn __contains__(&self, name: &Bound<'_, PyAny>) -> bool {
        name.cast::<PyString>()
            .ok()
            .and_then(|k| k.to_str().ok().map(|k| self.named(k).is_some()))
            .unwrap_or(false)
    }

    /// Equal to a table with the same schema and values, or to a `dict`
    /// equal to `to_pydict()`.
    fn __eq__<'py>(&self, py: Python<'py>, other: &Bound<'py, PyAny>) -> PyResult<Py<PyAny>> {
        let equal = if let Ok(other) = other.cast::<PyTable>() {
            self.batch == other.get().batch
        } else if other.is_instance_of::<PyDict>() {
            self.to_pydict(py)?.eq(other)?
        } else {
            return Ok(py.NotImplemented());
        };
        Ok(PyBool::new(py, equal).to_owned().into_any().unbind())
    }

    fn __repr__(&self) -> String {
        format!(
            "<cimi.Table: {} rows, {} columns ({})>",
            self.batch.num_rows(),
            self.batch.num_columns(),
            self.column_names().join(", ")
        )
    }
}
