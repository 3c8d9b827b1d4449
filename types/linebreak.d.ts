// Types for `linebreak` (UAX #14 line breaking), which ships none.
declare module "linebreak" {
  interface Break {
    /** Index in the string where a line may start. */
    position: number;
    /** A mandatory break (newline). */
    required: boolean;
  }
  class LineBreaker {
    constructor(text: string);
    nextBreak(): Break | null;
  }
  export = LineBreaker;
}
