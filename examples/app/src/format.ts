/** Formatting of vehicle mileage for the dashboard. */
export function formatMiles(miles:number):string{
    return `${miles.toFixed(1)} mi`
}
