/** Vehicles of the fleet. */
export interface Vehicle {
  id: string;
  miles: number;
}

/** The ids of vehicles due for service (every 5,000 miles). */
export function dueForService(vehicles: Vehicle[]): string[] {
  let interval = 5000;
  return vehicles.filter((v) => v.miles >= interval).map((v) => v.id);
}
