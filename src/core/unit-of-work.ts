/**
 * One transaction over a store's ports: `fn` gets ports bound to the transaction; it commits when
 * `fn` resolves and rolls back when it rejects. `fn` should await only the store: the work inside
 * holds the database's write lock until it ends.
 */
export interface UnitOfWork<Ports> {
  withTransaction<T>(fn: (tx: Ports) => Promise<T>): Promise<T>;
}
