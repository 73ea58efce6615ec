/** The part of jStat (https://github.com/jstat/jstat) this library uses; the package ships no types. */
declare module 'jstat' {
  export const jStat: {
    readonly studentt: {
      /** Quantile of Student's t distribution with `dof` degrees of freedom at probability `p`. */
      inv(p: number, dof: number): number;
    };
    readonly normal: {
      inv(p: number, mean: number, sd: number): number;
    };
  };
}
