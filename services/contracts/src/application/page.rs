/// A page request: at most `size` items after the item with id `after`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageRequest<Id> {
    pub size: u32,
    pub after: Option<Id>,
}

pub const DEFAULT_PAGE_SIZE: u32 = 50;
pub const MAX_PAGE_SIZE: u32 = 500;

impl<Id> PageRequest<Id> {
    /// 0 means the default; more than the maximum is the maximum (AIP-158).
    pub fn new(size: u32, after: Option<Id>) -> Self {
        let size = match size {
            0 => DEFAULT_PAGE_SIZE,
            s => s.min(MAX_PAGE_SIZE),
        };
        Self { size, after }
    }
}

/// One page and the id to continue after, when there is more.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Page<T, Id> {
    pub items: Vec<T>,
    pub next_after: Option<Id>,
}
