/** A window of a list: what limit/offset pagination asks a service for. */
export interface PageRequest {
  limit: number;
  offset: number;
}

export interface Page<T> {
  count: number;
  items: T[];
}
