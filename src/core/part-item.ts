/** An item as a digest part carries it: the title is what the destination will have read. */
export interface PartItem {
  itemId: number;
  title: string;
}
