// A "keeper worker" that loads but never answers: connect() must time out and release what it took.
self.onconnect = () => {};
