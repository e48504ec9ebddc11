//! Borrowed views of vectors and arrays in a decoded message.

use core::fmt;
use core::marker::PhantomData;

use crate::Layout;

/// The view of a validated `vector<T>`: its elements, read in place.
pub struct VecView<'de, T: ?Sized> {
    msg: &'de [u8],
    body: usize,
    len: usize,
    _t: PhantomData<fn() -> T>,
}

impl<T: ?Sized> Clone for VecView<'_, T> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<T: ?Sized> Copy for VecView<'_, T> {}

impl<'de, T: Layout> VecView<'de, T> {
    /// # Safety
    ///
    /// `msg` was validated, and `len` elements of `T` were validated starting at `body`.
    #[inline]
    pub(crate) unsafe fn new(msg: &'de [u8], body: usize, len: usize) -> Self {
        Self {
            msg,
            body,
            len,
            _t: PhantomData,
        }
    }

    /// The number of elements.
    #[inline]
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether there are no elements.
    #[inline]
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The view of element `i`, or `None` past the end.
    #[inline]
    pub fn get(&self, i: usize) -> Option<T::View<'de>> {
        if i < self.len {
            // SAFETY: by the invariant of this view, element `i < len` was validated at
            // `body + i * T::INLINE_SIZE` in the validated message `msg`.
            Some(unsafe { T::view(self.msg, self.body + i * T::INLINE_SIZE) })
        } else {
            None
        }
    }

    /// The elements' views, in order.
    #[inline]
    pub fn iter(&self) -> VecIter<'de, T> {
        VecIter {
            view: *self,
            next: 0,
        }
    }

    /// The elements' wire bytes (`len * T::INLINE_SIZE` bytes of little-endian data).
    #[inline]
    pub fn wire_bytes(&self) -> &'de [u8] {
        &self.msg[self.body..self.body + self.len * T::INLINE_SIZE]
    }
}

impl<'de> VecView<'de, u8> {
    /// The bytes of a `vector<uint8>`, borrowed from the message.
    #[inline]
    pub fn as_slice(&self) -> &'de [u8] {
        self.wire_bytes()
    }
}

impl<'de, T: Layout> IntoIterator for VecView<'de, T> {
    type Item = T::View<'de>;
    type IntoIter = VecIter<'de, T>;
    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}

impl<T: Layout> fmt::Debug for VecView<'_, T>
where
    for<'a> T::View<'a>: fmt::Debug,
{
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

/// An iterator over the elements of a [`VecView`] or [`ArrayView`].
pub struct VecIter<'de, T: ?Sized> {
    view: VecView<'de, T>,
    next: usize,
}

impl<'de, T: Layout> Iterator for VecIter<'de, T> {
    type Item = T::View<'de>;

    #[inline]
    fn next(&mut self) -> Option<Self::Item> {
        let item = self.view.get(self.next)?;
        self.next += 1;
        Some(item)
    }

    #[inline]
    fn size_hint(&self) -> (usize, Option<usize>) {
        let n = self.view.len - self.next;
        (n, Some(n))
    }
}

impl<T: Layout> ExactSizeIterator for VecIter<'_, T> {}

/// The view of a validated `array<T, N>`.
pub struct ArrayView<'de, T: ?Sized, const N: usize> {
    inner: VecView<'de, T>,
}

impl<T: ?Sized, const N: usize> Clone for ArrayView<'_, T, N> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<T: ?Sized, const N: usize> Copy for ArrayView<'_, T, N> {}

impl<'de, T: Layout, const N: usize> ArrayView<'de, T, N> {
    /// # Safety
    ///
    /// `msg` was validated, and `N` elements of `T` were validated starting at `at`.
    #[inline]
    pub(crate) unsafe fn new(msg: &'de [u8], at: usize) -> Self {
        // SAFETY: the caller's guarantee is `VecView::new`'s with `len = N`.
        let inner = unsafe { VecView::new(msg, at, N) };
        Self { inner }
    }

    /// The view of element `i`, or `None` past the end.
    #[inline]
    pub fn get(&self, i: usize) -> Option<T::View<'de>> {
        self.inner.get(i)
    }

    /// The elements' views, in order.
    #[inline]
    pub fn iter(&self) -> VecIter<'de, T> {
        self.inner.iter()
    }

    /// The elements' wire bytes.
    #[inline]
    pub fn wire_bytes(&self) -> &'de [u8] {
        self.inner.wire_bytes()
    }
}

impl<'de, T: Layout, const N: usize> IntoIterator for ArrayView<'de, T, N> {
    type Item = T::View<'de>;
    type IntoIter = VecIter<'de, T>;
    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}

impl<T: Layout, const N: usize> fmt::Debug for ArrayView<'_, T, N>
where
    for<'a> T::View<'a>: fmt::Debug,
{
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}
