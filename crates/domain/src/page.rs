//! Paging of lists (AIP-158), the same on every API.

/// A page request: at most `size` items after the item with id `after`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageRequest<Id> {
    pub size: u32,
    pub after: Option<Id>,
}

pub const DEFAULT_PAGE_SIZE: u32 = 50;
pub const MAX_PAGE_SIZE: u32 = 500;

impl<Id> PageRequest<Id> {
    /// 0 means the default; more than the maximum is the maximum.
    pub fn new(size: u32, after: Option<Id>) -> Self {
        let size = match size {
            0 => DEFAULT_PAGE_SIZE,
            s => s.min(MAX_PAGE_SIZE),
        };
        Self { size, after }
    }

    /// How many rows to read: one more than the page, to know without a count whether there is
    /// a next page.
    pub fn fetch(&self) -> u32 {
        self.size + 1
    }
}

/// One page and the id to continue after, when there is more.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Page<T, Id> {
    pub items: Vec<T>,
    pub next_after: Option<Id>,
}

impl<T, Id> Page<T, Id> {
    /// The page from the rows read for `request` ([`PageRequest::fetch`] of them at most).
    pub fn from_rows(mut rows: Vec<T>, request: &PageRequest<Id>, id: impl Fn(&T) -> Id) -> Self {
        let size = request.size as usize;
        let more = rows.len() > size;
        rows.truncate(size);
        let next_after = if more { rows.last().map(id) } else { None };
        Self { items: rows, next_after }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages() {
        assert_eq!(PageRequest::<u32>::new(0, None).size, 50);
        assert_eq!(PageRequest::<u32>::new(10_000, None).size, 500);
        let request = PageRequest::new(2, None);
        assert_eq!(request.fetch(), 3);
        let full = Page::from_rows(vec![1, 2, 3], &request, |n| *n);
        assert_eq!((full.items, full.next_after), (vec![1, 2], Some(2)));
        let last = Page::from_rows(vec![4, 5], &request, |n| *n);
        assert_eq!((last.items, last.next_after), (vec![4, 5], None));
    }
}
