//! Copying a folder, for `dist` (site/ into dist/), the npm package (dist/pkg
//! into dist/npm/pkg) and `bench` (the reference clients).

use std::fs;
use std::path::Path;

use crate::cmd::{rel, Context, Result};

/// Copies the files under `from` into `to` (recursively), returning how many.
pub fn copy_dir(from: &Path, to: &Path) -> Result<usize> {
    fs::create_dir_all(to).ctx(|| format!("creating {}", rel(to)))?;
    let mut n = 0;
    let entries = fs::read_dir(from).ctx(|| format!("reading {}", rel(from)))?;
    for entry in entries {
        let entry = entry.ctx(|| format!("reading {}", rel(from)))?;
        let src = entry.path();
        let dst = to.join(entry.file_name());
        let ty = entry.file_type().ctx(|| format!("reading {}", rel(&src)))?;
        if ty.is_dir() {
            n += copy_dir(&src, &dst)?;
        } else {
            // Follows symlinks: dist/ gets real files.
            fs::copy(&src, &dst).ctx(|| format!("copying {} to {}", rel(&src), rel(&dst)))?;
            n += 1;
        }
    }
    Ok(n)
}
