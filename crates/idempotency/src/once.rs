//! What travels from the edge to the store with a write, and what comes back.

use std::fmt;

use crate::RequestKey;

/// A write's request key and how to encode the answer to it, handed to the store so that it
/// can record the answer in the write's own transaction. The store's result type `T` need not
/// be the answer's: [`Once::adapt`] lets each layer say how its result becomes the next one's.
pub struct Once<T> {
    key: RequestKey,
    answer: Encode<T>,
}

/// Encodes the answer to a request from the result of its work.
type Encode<T> = Box<dyn FnOnce(&T) -> Vec<u8> + Send>;

impl<T> fmt::Debug for Once<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Once").field("key", &self.key).finish_non_exhaustive()
    }
}

impl<T: 'static> Once<T> {
    pub fn new(key: RequestKey, answer: impl FnOnce(&T) -> Vec<u8> + Send + 'static) -> Self {
        Self { key, answer: Box::new(answer) }
    }

    /// The same request, answered from an inner step's result `U` that `f` turns into `T`.
    pub fn adapt<U>(self, f: impl FnOnce(&U) -> T + Send + 'static) -> Once<U> {
        let answer = self.answer;
        Once { key: self.key, answer: Box::new(move |inner: &U| answer(&f(inner))) }
    }
}

impl<T> Once<T> {
    pub fn key(&self) -> &RequestKey {
        &self.key
    }

    /// The key and the encoded answer for `value`.
    pub(crate) fn answer(self, value: &T) -> (RequestKey, Vec<u8>) {
        let bytes = (self.answer)(value);
        (self.key, bytes)
    }
}

/// What a write that may be a retry did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome<T> {
    /// The work was done now.
    Done(T),
    /// A call with the same request id did it before: this is its answer, as encoded then.
    Replayed(Vec<u8>),
}

impl<T> Outcome<T> {
    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Outcome<U> {
        match self {
            Self::Done(value) => Outcome::Done(f(value)),
            Self::Replayed(answer) => Outcome::Replayed(answer),
        }
    }

    /// The value when the work was done now.
    pub fn as_done(&self) -> Option<&T> {
        match self {
            Self::Done(value) => Some(value),
            Self::Replayed(_) => None,
        }
    }
}
